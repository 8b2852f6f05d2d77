// The console's build: served by the Fidelis server at /console (src/app/console.ts), built into
// web/dist by `npm install` (prepare), `npm start` when stale, or `npm run web:build` (decision 0013).
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  // `npm run web:dev`: Vite on :5173, the API and the session endpoints from a `fidelis start` on :3000.
  server: {
    proxy: { '/v1': 'http://localhost:3000', '/console/session': 'http://localhost:3000' },
  },
});
