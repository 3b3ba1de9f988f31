import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * The browser app: sources in src/web, built into dist/web, which the Fastify server serves
 * (with an SPA fallback to index.html). In development `vite` proxies /api to the server on :3000.
 */
export default defineConfig({
  root: path.join(projectRoot, 'src/web'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(projectRoot, 'dist/web'),
    emptyOutDir: true,
    // The server's CSP forbids inline scripts: keep every script in its own file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The framework every page needs, in one long-cached chunk. Ant Design stays split by
            // component so that the sign-in page does not load tables and trees.
            {
              name: 'framework',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|@tanstack|i18next|react-i18next)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: 'http://localhost:3000', changeOrigin: false } },
  },
});
