/**
 * `pidns play [--port N] [--host H]`: the playground, a page where a
 * scenario runs in the browser (the browser entry, with the WASM core embedded
 * in it) with its transcript, why each failed call failed, what each
 * statement did inside the kernel, and every namespace's view at the end.
 *
 * The server is a small static one on the loopback interface by default:
 * it serves the page, the package's dist/ and build/*.wasm (for a `source`
 * override; the browser entry embeds the release builds), nothing else (no directory listing, no path outside
 * those). It runs until interrupted.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError, splitOption, type CliIO, type Command } from './common.js';

const HELP = `usage: pidns play [--port N] [--host H]

Serves the playground on http://H:N/: write a scenario, run it on the WASM
or the TS core in your browser, and see its transcript, why each failed call
failed (--explain), what each statement did inside the kernel (--trace), and
what every pid namespace holds at the end. Stop it with Ctrl-C.

options:
  --port N     TCP port, 0..65535; 0 picks a free one (default: 8017)
  --host H     address to listen on (default: 127.0.0.1, this machine only)
  -h, --help   show this help
`;

/** The package root: dist/cli/play.js and src/cli/play.ts both sit two folders below it. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.css': 'text/css; charset=utf-8',
};

/** URL path → file, for the paths the playground may load; null for anything else. */
function resolvePath(pathname: string): string | null {
  if (pathname === '/' || pathname === '/index.html') return join(ROOT, 'web', 'playground.html');
  const rel = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
  if (rel.split(/[/\\]/).includes('..')) return null;
  const ok = (rel.startsWith(`dist${sep}`) || rel.startsWith('dist/')) && /\.(js|map)$/.test(rel)
    || (rel.startsWith(`build${sep}`) || rel.startsWith('build/')) && rel.endsWith('.wasm');
  return ok ? join(ROOT, rel) : null;
}

export interface Playground {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Start the playground server; resolves once it listens. */
export function startPlayground(port: number, host: string): Promise<Playground> {
  const server = createServer((req, res) => {
    let file: string | null = null;
    try {
      file = resolvePath(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      file = null; // a malformed %-escape
    }
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (file === null || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      const shown = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        url: `http://${shown}:${p}/`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

function parseArgs(args: string[]): { port: number; host: string } {
  let port = 8017;
  let host = '127.0.0.1';
  for (let i = 0; i < args.length; i++) {
    const [a, value] = splitOption(args[i]);
    let v = value;
    if (a !== '--port' && a !== '--host') throw new CliError(`play: unknown option '${args[i]}' (see pidns play --help)`);
    if (v === undefined) v = args[++i];
    if (v === undefined || v === '') throw new CliError(`play: option '${a}' needs a value`);
    if (a === '--port') {
      const n = /^\d+$/.test(v) ? Number(v) : NaN;
      if (!(n >= 0 && n <= 65535)) throw new CliError(`play: --port wants a whole number from 0 to 65535, not '${v}'`);
      port = n;
    } else host = v;
  }
  return { port, host };
}

export const playCommand: Command = {
  summary: 'the playground: run scenarios in your browser, with traces and namespace views',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { port, host } = parseArgs(args);
    for (const need of [join(ROOT, 'dist', 'index.js'), join(ROOT, 'build', 'release.wasm')]) {
      if (!existsSync(need)) throw new CliError(`play: ${need} is missing: run npm run build first`);
    }
    let pg: Playground;
    try {
      pg = await startPlayground(port, host);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'EADDRINUSE' ? 'the port is in use (try --port 0)' : err.code ?? err.message;
      throw new CliError(`play: cannot listen on ${host}:${port}: ${why}`);
    }
    io.stdout(`pidns playground: ${pg.url}  (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void pg.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return 0;
  },
};
