// Serves the production build (dist/waypoint/browser) with an SPA fallback and forwards the FHIR and
// authorization paths to the FHIR server — the same shape as a reverse proxy in front of a real
// deployment. Used by the end-to-end tests and the page benchmarks.
// Env: PORT (default 4300), FHIR_SERVER (default http://127.0.0.1:8080), DIST (default dist/waypoint/browser).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const port = Number(process.env.PORT ?? 4300);
const backend = new URL(process.env.FHIR_SERVER ?? 'http://127.0.0.1:8080');
const root = resolve(process.env.DIST ?? 'dist/waypoint/browser');
const FORWARDED = ['/fhir/', '/fhir?', '/auth/', '/.well-known/'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

if (!existsSync(join(root, 'index.html'))) {
  console.error(`No build at ${root}: run "npx ng build" first.`);
  process.exit(1);
}

function forward(req, res) {
  const upstream = httpRequest(
    {
      host: backend.hostname,
      port: backend.port,
      method: req.method,
      path: req.url,
      headers: {
        ...req.headers,
        'x-forwarded-host': req.headers.host,
        'x-forwarded-proto': 'http',
        'x-forwarded-for': req.socket.remoteAddress,
      },
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end('FHIR server unreachable');
  });
  req.pipe(upstream);
}

function serveStatic(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = normalize(join(root, path));
  if (!file.startsWith(root)) {
    res.writeHead(400).end();
    return;
  }
  const isFile = existsSync(file) && statSync(file).isFile();
  if (!isFile) file = join(root, 'index.html'); // SPA fallback: the router handles the path
  // The build names its bundles `main-<hash>.js`, `chunk-<hash>.js`, `styles-<hash>.css` and its media
  // `<name>-<hash>.<ext>` (esbuild's 8-character hash): their content never changes, so they are cached for good
  // and a reload (or the next day's visit) reuses them and V8's code cache instead of downloading and compiling
  // them again. index.html and config.json are revalidated on every load.
  const hashed = /-[0-9A-Z]{8}\.(js|css)$/.test(file) || file.includes('/media/');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  createReadStream(file).pipe(res);
}

const server = createServer((req, res) => {
  if (FORWARDED.some((prefix) => req.url.startsWith(prefix)) || req.url === '/fhir') forward(req, res);
  else serveStatic(req, res);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`Waypoint build served at http://127.0.0.1:${port}/ (FHIR server ${backend.origin})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
