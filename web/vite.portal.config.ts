// The member portal's build (decision 0019): its own entry (portal.html → src/portal), its own
// output (web/dist-portal) and base (/portal/), so the console's bundle is untouched by it.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/portal/',
  plugins: [react()],
  build: {
    outDir: 'dist-portal',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    rollupOptions: { input: 'portal.html' },
  },
});
