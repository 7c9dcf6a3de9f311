import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/**
 * The web app: two pages, built into dist/web and served by the HTTP services at `/` (staff) and `/report`
 * (whistleblowers, public). JSX is compiled by Vite's own transformer (no React plugin: no fast refresh in dev,
 * nothing else is lost). Reference data (provinces, codes, fiscal years) comes from libs/domain, tree-shaken.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: false,
  resolve: { alias: { '#domain': here('../../libs/domain/src/index.ts') } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      input: { staff: here('index.html'), report: here('report.html') },
      // React Server Components' "use client" markers in react-query mean nothing in a client-only bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
