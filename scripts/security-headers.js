/**
 * Headers for every answer of the built app (scripts/serve.js, `vite preview`), shared so the two cannot drift apart.
 *
 * The Content-Security-Policy allows no remote origin. Each source beyond 'self' is there for a need found by running
 * the app e2e tests (both backends, curve, cancel, reference sound, offline) under this policy:
 * - script-src 'wasm-unsafe-eval': onnxruntime-web compiles its WASM runtime; without it Chromium refuses
 *   ("Compiling or instantiating WebAssembly module violates the following Content Security policy directive") on
 *   WebGPU and WASM alike, as the WebGPU build runs on the same asyncify WASM. It allows no JavaScript eval.
 * - media-src blob:: the picked video plays from an object URL.
 * - style-src 'unsafe-inline': wavesurfer.js writes a <style> into its shadow root whose text depends on the
 *   waveform height, so no hash fits, and a static server has no per-response nonce. Scripts stay strict.
 * ORT's worker, its WASM threads (pthreads load ort/*.mjs by URL, not from blob:) and the service worker are
 * same-origin scripts, and WebGPU needs no CSP source. frame-ancestors 'none' replaces X-Frame-Options; it is why
 * the policy is a header: a <meta> CSP cannot carry it. The Vite dev server sends the isolation headers only: its
 * React refresh preamble is an inline script.
 */

/** SharedArrayBuffer (multi-threaded ORT WASM) needs COOP same-origin + COEP require-corp on the page and every worker script. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS = {
  ...ISOLATION_HEADERS,
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
