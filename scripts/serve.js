#!/usr/bin/env node
/**
 * Serves the built app (dist/) on 127.0.0.1 with the headers of scripts/security-headers.js on every answer (cross-origin
 * isolation for multi-threaded ORT, a CSP without remote origins, nosniff, no referrer, no framing).
 * Caching: Vite's assets/ carry a content hash in their names and are cached for good; every other file (the shell,
 * the service worker, ORT's runtimes, pack manifests and weights) keeps its name when it changes, so it is revalidated
 * (no-cache + ETag → 304): a pack update never pairs a new manifest with old weights from the HTTP cache.
 * Usage: node scripts/serve.js [--port 5173] [--dir dist]; --port 0 picks a free port. Prints the URL.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { SECURITY_HEADERS } from './security-headers.js';

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

/** A request path that does not decode (bad percent-encoding, NUL): the client's error, answered with 400. */
class BadRequest extends Error {}

function decodePath(rawUrl) {
  let urlPath;
  try {
    urlPath = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
  } catch {
    throw new BadRequest('the URL does not decode');
  }
  if (urlPath.includes('\0')) throw new BadRequest('the URL holds a NUL byte');
  return urlPath;
}

/** Resolves a decoded URL path inside rootDir; null when it escapes the root or names no file. */
async function findFile(urlPath) {
  const filePath = normalize(join(rootDir, urlPath));
  if (filePath !== rootDir && !filePath.startsWith(rootDir + sep)) return null;
  const info = await stat(filePath).catch(() => null);
  if (info?.isFile()) return { filePath, info };
  if (info?.isDirectory()) return findFile(join(urlPath, 'index.html'));
  return null;
}

/** Names under assets/ carry Vite's content hash: a change makes a new URL, so the old one may be cached for good. */
function isHashedAsset(filePath) {
  return filePath.startsWith(join(rootDir, 'assets') + sep);
}

function sendText(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${text}\n`);
}

async function handle(req, res) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const urlPath = decodePath(req.url ?? '/');
  let found = await findFile(urlPath);
  // SPA fallback: extension-less paths are app routes.
  if (!found && extname(urlPath) === '') found = await findFile('/index.html');
  if (!found) {
    sendText(res, 404, `Not found: ${urlPath}`);
    return;
  }
  const { filePath, info } = found;
  // Size and modification time identify a version of the file; a weak validator, as the bytes are not hashed.
  const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
  const headers = {
    'Content-Type': MIME_TYPES[extname(filePath)] ?? 'application/octet-stream',
    'Cache-Control': isHashedAsset(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache',
    ETag: etag,
    'Last-Modified': info.mtime.toUTCString(),
  };
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(info.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(filePath).pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch((error) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof BadRequest) sendText(res, 400, `Bad request: ${error.message}`);
    else sendText(res, 500, `Server error: ${error instanceof Error ? error.message : String(error)}`);
  });
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : values.port;
  console.log(`Foley Studio: http://127.0.0.1:${port}/`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
