// The dashboard's build: React through Vite into web/dist, which the API process serves at `/`.
// `npm run dev:web` serves it with hot reload instead, proxying /graphql (and graphql-ws) to a
// running `npm start`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  server: { proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } } },
});
