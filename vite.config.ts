import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const projectRoot = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(projectRoot, 'dist/web');

/**
 * Writes .gz and .br twins of the built scripts and styles, so the server can send them
 * compressed without compressing on every request (@fastify/static's `preCompressed` option).
 */
function precompress(): Plugin {
  return {
    name: 'huiju-precompress',
    apply: 'build',
    closeBundle() {
      const assets = path.join(outDir, 'assets');
      if (!fs.existsSync(assets)) return;
      for (const name of fs.readdirSync(assets)) {
        if (!/\.(js|css|svg)$/.test(name)) continue;
        const file = path.join(assets, name);
        const content = fs.readFileSync(file);
        if (content.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: 9 }));
        fs.writeFileSync(
          `${file}.br`,
          zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length } }),
        );
      }
    },
  };
}

/**
 * The browser app: sources in src/web, built into dist/web, which the Fastify server serves
 * (with an SPA fallback to index.html). In development `vite` proxies /api to the server on :3000.
 */
export default defineConfig({
  root: path.join(projectRoot, 'src/web'),
  base: '/',
  plugins: [react(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // The server's CSP forbids inline scripts: keep every script in its own file.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1500,
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // React, which every page needs, in one long-cached chunk; i18next and the admin app's
            // router and query cache in others, so the light public pages (issue 7) skip what they do not use.
            // Ant Design stays split by component so that the sign-in page does not load tables and trees.
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/,
            },
            {
              name: 'i18next',
              test: /node_modules[\\/](i18next|react-i18next)[\\/]/,
            },
            {
              name: 'framework',
              test: /node_modules[\\/](react-router|@tanstack)[\\/]/,
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
