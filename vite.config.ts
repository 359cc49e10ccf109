import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { ISOLATION_HEADERS, SECURITY_HEADERS } from './scripts/security-headers.js';

const ortDistDir = join(import.meta.dirname, 'node_modules/onnxruntime-web/dist');
const ortRuntimeFiles = readdirSync(ortDistDir).filter((name) => /^ort-wasm-simd-threaded.*\.(wasm|mjs)$/.test(name));

/**
 * Ships onnxruntime-web's WASM runtimes as plain files under `<base>/ort/`; the engine points `ort.env.wasm.wasmPaths`
 * there. Bundling them would rename them and break ORT's own dynamic import of the matching `.mjs`.
 */
function ortRuntimeAssets(): Plugin {
  return {
    name: 'foley:ort-runtime-assets',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const match = /\/ort\/([^/?#]+)/.exec(req.url ?? '');
        if (!match || !ortRuntimeFiles.includes(match[1])) return next();
        res.setHeader('Content-Type', match[1].endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        createReadStream(join(ortDistDir, match[1])).pipe(res);
      });
    },
    generateBundle() {
      for (const name of ortRuntimeFiles) {
        this.emitFile({ type: 'asset', fileName: `ort/${name}`, source: readFileSync(join(ortDistDir, name)) });
      }
    },
  };
}

export default defineConfig({
  // Absolute: the engine worker resolves `${BASE_URL}ort/` against its own URL (assets/…), so a relative base
  // would point ORT at assets/ort/.
  base: '/',
  plugins: [
    react(),
    ortRuntimeAssets(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: 'Foley Studio',
        short_name: 'Foley',
        description: 'Turn a silent video into synchronized, loudness-controlled sound effects, offline.',
        theme_color: '#14171f',
        background_color: '#14171f',
        display: 'standalone',
        start_url: '/',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      workbox: {
        // The app shell and ORT's runtimes must be available offline. Packs are not precached: the engine keeps every
        // pack it loads, the default one included, in its own content-addressed cache (src/engine/pack/pack-cache.ts),
        // which evicts a version once its manifest changes; precaching the default pack as well stored it twice.
        // The web manifest and its icons are added by the plugin itself (includeManifestIcons).
        // Of ORT's runtimes only the asyncify build is precached: src/engine/runtime/ort-web.ts imports `onnxruntime-web/webgpu`,
        // which runs both the WebGPU and the WASM execution providers on it.
        globPatterns: ['index.html', 'assets/**', 'ort/ort-wasm-simd-threaded.asyncify.*'],
        // assets/*.wasm is Vite's copy of the runtime ORT's bundle references by `new URL(…, import.meta.url)`; ORT
        // loads from ort/ instead (wasmPaths), so it is never fetched.
        globIgnores: ['assets/*.wasm'],
        // ORT's WASM runtimes are 14–28 MB each.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  // The dev server's React refresh preamble is an inline script, so only the built app gets the CSP.
  server: { headers: ISOLATION_HEADERS, host: '127.0.0.1' },
  preview: { headers: SECURITY_HEADERS, host: '127.0.0.1' },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
});
