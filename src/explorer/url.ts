/**
 * The explorer's state in the URL hash, so a link reproduces the view:
 * `#s=<scenario>&at=<step>&core=ts&alloc=idr&ns=6&task=b`. The scenario is
 * UTF-8 in base64url (plain: no compression, readable by any tool that can
 * decode base64). Unknown or malformed fields are ignored (a hostile or
 * truncated link gives the defaults, never an exception).
 */
import { ALLOCATOR_NAMES, type AllocatorName, type CoreName } from '../core/types.js';

export interface UrlState {
  source: string | null;
  at: number | null;
  core: CoreName | null;
  allocator: AllocatorName | null;
  ns: number | null;
  task: string | null;
}

/** Longest scenario a link carries (characters of its base64url). */
export const MAX_SOURCE_CHARS = 1 << 20;

function toBase64Url(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(s: string): string | null {
  if (s.length > MAX_SOURCE_CHARS || !/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function int(s: string | null, min: number, max: number): number | null {
  if (s === null || !/^[0-9]{1,9}$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= max ? n : null;
}

let memo: { source: string; encoded: string } | null = null;

export function encodeHash(st: { source: string; at: number; core: CoreName; allocator: AllocatorName; ns: number; task: string | null }): string {
  const p = new URLSearchParams();
  // The last scenario's encoding is kept: stepping re-encodes only the step.
  if (memo === null || memo.source !== st.source) memo = { source: st.source, encoded: toBase64Url(st.source) };
  p.set('s', memo.encoded);
  p.set('at', String(st.at));
  p.set('core', st.core);
  p.set('alloc', st.allocator);
  p.set('ns', String(st.ns));
  if (st.task) p.set('task', st.task);
  return '#' + p.toString();
}

export function decodeHash(hash: string): UrlState {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const s = p.get('s');
  const core = p.get('core');
  const alloc = p.get('alloc');
  const task = p.get('task');
  return {
    source: s === null ? null : fromBase64Url(s),
    at: int(p.get('at'), 0, 1e9),
    core: core === 'wasm' || core === 'ts' ? core : null,
    allocator: (ALLOCATOR_NAMES as readonly string[]).includes(alloc ?? '') ? (alloc as AllocatorName) : null,
    ns: int(p.get('ns'), 0, 1e9),
    task: task !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(task) ? task : null,
  };
}
