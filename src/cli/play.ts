/**
 * `pidns play [--port N] [--host H]`: the playground, a page where a
 * scenario runs in the browser (the browser entry, with the WASM core embedded
 * in it) with its transcript, why each failed call failed, what each
 * statement did inside the kernel, and every namespace's view at the end.
 *
 * The server is a small static one on the loopback interface by default:
 * it serves the page, the package's dist/ (*.js, *.map), build/*.wasm (for
 * a `source` override; the browser entry embeds the release builds) and the
 * scenario language reference (docs/scenario-language.md, which the page
 * links), nothing else — no directory listing, and no
 * file whose real path (symlinks resolved) lies outside those folders. It
 * answers only requests whose Host header names it (loopback names, an IP
 * literal, this machine's name or the --host value), so a DNS-rebinding page
 * cannot read it; every answer carries a Content-Security-Policy (the page's
 * inline scripts by hash, 'self' scripts, 'wasm-unsafe-eval' for the core,
 * no framing), X-Content-Type-Options: nosniff and X-Frame-Options: DENY. A
 * file that cannot be opened or read answers 403 / 500 (or a cut-off
 * response when the error comes mid-stream) and the server goes on. It runs
 * until the first SIGINT / SIGTERM, which also closes open connections.
 */
import { createHash } from 'node:crypto';
import { constants, existsSync, realpathSync } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CliError, splitOption, type CliIO, type Command } from './common.js';

const HELP = `usage: pidns play [--port N] [--host H]

Serves the playground on http://H:N/: write a scenario, run it on the WASM
or the TS core in your browser, and see its transcript, why each failed call
failed (--explain), what each statement did inside the kernel (--trace), and
what every pid namespace holds at the end. Stop it with Ctrl-C.

options:
  --port N     TCP port, 0..65535; 0 picks a free one (default: 8017)
  --host H     address to listen on (default: 127.0.0.1, this machine only;
               any other address lets other machines use it: a warning says so)
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
  '.md': 'text/markdown; charset=utf-8',
};

/** The scenario language reference, linked from the page. */
const DOC_PATH = '/docs/scenario-language.md';

/** The page is read whole (to hash its inline scripts); a bigger one is refused. */
const PAGE_MAX_BYTES = 4 * 1024 * 1024;

/** Headers on every answer. */
const COMMON_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};
/** CSP of everything but the page: nothing may run in it or frame it. */
const CSP_OTHER = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The page's CSP: its own inline scripts (the import map and the module) by
 * SHA-256 of their exact text, scripts from this origin, WebAssembly
 * compilation ('wasm-unsafe-eval'), fetch from this origin (the .wasm
 * files), its inline styles; no plugins, no framing, no form posts. The
 * hashes are taken from the page as served, so editing the page needs no
 * change here.
 */
export function pageCsp(html: string): string {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\bsrc\s*=/i.test(m[1])) continue;
    // The HTML parser turns CRLF / CR into LF before the browser hashes the text.
    hashes.push(`'sha256-${createHash('sha256').update(m[2].replace(/\r\n?/g, '\n'), 'utf8').digest('base64')}'`);
  }
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trimEnd(),
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Whether `host` (a name or address, no port) is this machine only. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || /^127(\.\d{1,3}){3}$/.test(h) || h === '::1' || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** The host name of a Host header ('[::1]:80' → '::1', 'a.b:80' → 'a.b'), lower case; null if malformed. */
function hostOf(header: string): string | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s]+))(?::\d{1,5})?$/i.exec(header.trim());
  if (!m) return null;
  return (m[1] ?? m[2]).toLowerCase();
}

/**
 * DNS rebinding guard: a page of another site that made its name resolve to
 * this address still sends its own name as Host. Accepted: loopback names,
 * IP literals (no DNS involved), the name we were asked to listen on, and
 * this machine's host name.
 */
function hostAllowed(header: string | undefined, bound: string): boolean {
  if (header === undefined) return false;
  const h = hostOf(header);
  if (h === null) return false;
  return isLoopbackHost(h) || isIP(h) !== 0 || h === bound.toLowerCase().replace(/^\[|\]$/g, '') || h === hostname().toLowerCase();
}

/** The folders and files the server may read, as real paths (symlinks resolved once at start). */
interface Allowed {
  root: string;
  page: string | null;
  doc: string | null;
  dist: string | null;
  build: string | null;
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** URL path → candidate file, for the paths the playground may load; null for anything else. */
function resolvePath(pathname: string, allowed: Allowed): string | null {
  if (pathname === '/' || pathname === '/index.html') return join(allowed.root, 'web', 'playground.html');
  if (pathname === DOC_PATH) return join(allowed.root, 'docs', 'scenario-language.md');
  const rel = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
  if (rel.includes('\0') || rel.split(/[/\\]/).includes('..')) return null;
  const ok = (rel.startsWith(`dist${sep}`) || rel.startsWith('dist/')) && /\.(js|map)$/.test(rel)
    || (rel.startsWith(`build${sep}`) || rel.startsWith('build/')) && rel.endsWith('.wasm');
  return ok ? join(allowed.root, rel) : null;
}

/** Whether the real path `real` is one the server may send: the page, the language reference, or a file of the right kind inside dist/ or build/. */
function realAllowed(real: string, allowed: Allowed): boolean {
  if (real === allowed.page || real === allowed.doc) return true;
  if (allowed.dist !== null && real.startsWith(allowed.dist + sep) && /\.(js|map)$/.test(real)) return true;
  return allowed.build !== null && real.startsWith(allowed.build + sep) && real.endsWith('.wasm');
}

function send(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...COMMON_HEADERS, 'content-security-policy': CSP_OTHER, 'content-type': 'text/plain; charset=utf-8', ...extra });
  res.end(text);
}

/** Status for a failed open/stat/read: missing → 404, not permitted → 403, anything else (EIO, ...) → 500. */
function errorStatus(e: unknown): number {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENAMETOOLONG') return 404;
  if (code === 'EACCES' || code === 'EPERM') return 403;
  return 500;
}

function sendError(res: ServerResponse, e: unknown): void {
  const status = errorStatus(e);
  send(res, status, status === 404 ? 'not found\n' : 'cannot read\n');
}

async function serveFile(req: IncomingMessage, res: ServerResponse, file: string, allowed: Allowed): Promise<void> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (e) {
    sendError(res, e);
    return;
  }
  if (!realAllowed(real, allowed)) {
    send(res, 404, 'not found\n');
    return;
  }
  let fh: FileHandle;
  try {
    // O_NOFOLLOW: the real path has no symlink left (one swapped in since is refused);
    // O_NONBLOCK: a FIFO must not hang the open (it is refused as not a regular file).
    fh = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    sendError(res, e);
    return;
  }
  let handed = false;
  try {
    const st = await fh.stat();
    if (!st.isFile()) {
      send(res, 404, 'not found\n');
      return;
    }
    const type = TYPES[extname(real)] ?? 'application/octet-stream';
    if (real === allowed.page) {
      if (st.size > PAGE_MAX_BYTES) {
        send(res, 500, 'cannot read\n');
        return;
      }
      const html = await fh.readFile({ encoding: 'utf8' });
      res.writeHead(200, { ...COMMON_HEADERS, 'content-security-policy': pageCsp(html), 'content-type': type, 'content-length': String(Buffer.byteLength(html)) });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    res.writeHead(200, { ...COMMON_HEADERS, 'content-security-policy': CSP_OTHER, 'content-type': type, 'content-length': String(st.size) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    handed = true;
    // A read error mid-stream (EIO) cuts the response off (the length tells the client); the server goes on.
    pipeline(fh.createReadStream({ autoClose: true }), res, () => undefined);
  } catch (e) {
    sendError(res, e);
  } finally {
    if (!handed) await fh.close().catch(() => undefined);
  }
}

export interface Playground {
  server: Server;
  url: string;
  /** Stops listening and closes every open connection (idle, active, or still sending its headers). */
  close(): Promise<void>;
}

export interface PlaygroundOptions {
  /** Serve web/, dist/ and build/ of this folder instead of the package's (tests). */
  root?: string;
}

/** The URL to print for an address: a wildcard address is not one a browser can open, so it shows loopback. */
export function displayUrl(host: string, port: number): string {
  const h = host.replace(/^\[|\]$/g, '');
  const shown = h === '0.0.0.0' || h === '' ? '127.0.0.1' : h === '::' ? '[::1]' : h.includes(':') ? `[${h}]` : h;
  return `http://${shown}:${port}/`;
}

/** Start the playground server; resolves once it listens. */
export function startPlayground(port: number, host: string, options: PlaygroundOptions = {}): Promise<Playground> {
  const root = options.root ?? ROOT;
  const allowed: Allowed = {
    root,
    page: realOrNull(join(root, 'web', 'playground.html')),
    doc: realOrNull(join(root, 'docs', 'scenario-language.md')),
    dist: realOrNull(join(root, 'dist')),
    build: realOrNull(join(root, 'build')),
  };
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, host)) {
      send(res, 421, 'this server answers only to its own name (Host header refused)\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
      return;
    }
    let file: string | null = null;
    try {
      const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (pathname === '/favicon.ico') {
        res.writeHead(204, COMMON_HEADERS).end();
        return;
      }
      file = resolvePath(pathname, allowed);
    } catch {
      file = null; // a malformed %-escape
    }
    if (file === null) {
      send(res, 404, 'not found\n');
      return;
    }
    serveFile(req, res, file, allowed).catch(() => send(res, 500, 'cannot read\n'));
  });
  // A client that sends its headers slower than this is dropped (Node's default is 60 s).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      resolve({
        server,
        url: displayUrl(host, p),
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
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
    // The handlers are in place before the URL is printed: whoever reads the
    // URL may interrupt at once (a later handler left a window in which the
    // first SIGINT killed the process the default way).
    const stopped = new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void pg.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    if (!isLoopbackHost(host)) {
      io.stderr(
        `pidns: play: warning: --host ${host} is not a loopback address: anyone who can reach this machine on port ${new URL(pg.url).port} can use the playground\n`,
      );
    }
    io.stdout(`pidns playground: ${pg.url}  (Ctrl-C to stop)\n`);
    await stopped;
    return 0;
  },
};
