// `npm run reseal`: seals every endpoint's signing secrets and custom header values again under
// the first key of HOOKWIRE_ENCRYPTION_KEY. Rotation: put the new key first (keep the old one after
// it), restart the service, run this, then drop the old key. With the embedded Postgres default,
// stop the service first (this starts the embedded server itself).
import { loadConfig } from '../src/config.ts';
import { createDatabase } from '../src/db/client.ts';
import { resealAll } from '../src/db/seal-rows.ts';
import { localEncryptionKey, Sealer } from '../src/db/sealer.ts';

const config = loadConfig();
let url = config.databaseUrl;
let stop = async () => {};
if (url === null) {
  const { startEmbeddedPostgres } = await import('../src/db/embedded.ts');
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, database: 'hookwire' });
  url = embedded.url;
  stop = () => embedded.stop();
}
const database = createDatabase(url, { max: 2 });
try {
  const sealer = new Sealer(config.encryptionKeys ?? (await localEncryptionKey(config.dataDir)));
  const count = await resealAll(database.sql, sealer);
  console.log(`re-sealed the secrets of ${count} endpoint(s) under key ${sealer.currentKeyId}`);
} finally {
  await database.close();
  await stop();
}
