// Prisma CLI configuration. The service applies migrations itself (src/db/migrate.ts), so the
// CLI needs the URL only where someone runs `prisma migrate` by hand.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/hookwire' },
});
