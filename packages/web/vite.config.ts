import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// One multi-page build: dist/portal/index.html and dist/console/index.html share dist/assets (one stylesheet,
// shared chunks). Everything is bundled: the pages reach nothing but the Hookline API on their own origin.
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    // Every browser that runs the pages supports modulepreload: no polyfill chunk.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: { portal: here('portal/index.html'), console: here('console/index.html') },
      // React in a chunk of its own (it changes least), the shared components and stylesheet in another.
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            { name: 'shared', test: /src[\\/]shared[\\/]/ },
          ],
        },
      },
    },
  },
  server: { proxy: { '/v1': process.env.HOOKLINE_API ?? 'http://127.0.0.1:8080' } },
});
