#!/usr/bin/env node
/**
 * Serves the built app (dist/) on 127.0.0.1 with the cross-origin isolation headers multi-threaded ORT needs
 * (SharedArrayBuffer requires COOP same-origin + COEP require-corp on the page and every worker script).
 * Usage: node scripts/serve.js [--port 5173] [--dir dist]; --port 0 picks a free port. Prints the URL.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const { values } = parseArgs({
  options: { port: { type: 'string', default: process.env.PORT ?? '5173' }, dir: { type: 'string', default: 'dist' } },
});
const rootDir = resolve(values.dir);

/** Resolves a URL path inside rootDir; null when it escapes the root or names no file. */
async function findFile(urlPath) {
  const filePath = normalize(join(rootDir, decodeURIComponent(urlPath)));
  if (filePath !== rootDir && !filePath.startsWith(rootDir + sep)) return null;
  const info = await stat(filePath).catch(() => null);
  if (info?.isFile()) return { filePath, size: info.size };
  if (info?.isDirectory()) return findFile(join(urlPath, 'index.html'));
  return null;
}

async function handle(req, res) {
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const urlPath = new URL(req.url ?? '/', 'http://localhost').pathname;
  let found = await findFile(urlPath);
  // SPA fallback: extension-less paths are app routes.
  if (!found && extname(urlPath) === '') found = await findFile('/index.html');
  if (!found) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`Not found: ${urlPath}\n`);
    return;
  }
  const isShell = found.filePath.endsWith('.html') || found.filePath.endsWith('sw.js');
  res.writeHead(200, {
    'Content-Type': MIME_TYPES[extname(found.filePath)] ?? 'application/octet-stream',
    'Content-Length': String(found.size),
    // The shell and service worker must revalidate so updates are picked up; hashed assets may be cached.
    'Cache-Control': isShell ? 'no-cache' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(found.filePath).pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`Server error: ${error instanceof Error ? error.message : String(error)}\n`);
  });
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  console.log(`Foley Studio: http://127.0.0.1:${port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
