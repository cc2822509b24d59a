import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The station console: built into web/dist and served by the API process at /console. */
export default defineConfig({
  root: here,
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: {
    port: Number(process.env.CONSOLE_DEV_PORT ?? 5173),
    // In development the API runs beside it (npm run dev): everything under /api goes there.
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    fs: { allow: ['..'] },
  },
});
