/**
 * A tiny static file server on the loopback interface, like any static
 * host: files below `dir`, index.html for a folder, 404 for anything else.
 * For the explorer's static site (npm run build:site) in browser tests.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export function serveStatic(dir: string, prefix = '/'): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const root = path.resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!url.pathname.startsWith(prefix)) { res.writeHead(404).end(); return; }
      let file = path.join(root, path.normalize(decodeURIComponent(url.pathname.slice(prefix.length - 1))));
      if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(404).end(); return; }
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') throw new Error('no address');
      resolve({ server, url: `http://127.0.0.1:${addr.port}${prefix}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
