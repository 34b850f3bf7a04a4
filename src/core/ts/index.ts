/**
 * The TS twin of the pid core: the algorithms of docs/core-algorithms.md on
 * typed arrays over one ArrayBuffer laid out as src/core/layout.ts, so the
 * kernel model, the tests and the benchmarks can read either core's memory
 * the same way. Handles are byte offsets, errors negative errno values.
 *
 * File split mirrors assembly/: memory (allocator), pidmap (bitmap and
 * cyclic search), lookup (find_pid_ns table), namespace, pid (alloc_pid /
 * free_pid).
 */
import { BATCH_MAX, PID_MAX_LIMIT, STAT_BATCH_ERROR } from '../layout.js';
import { ALLOCATOR_NAMES, type AllocatorName, type AllocatorProbe, type CoreOptions, type PidCore } from '../types.js';
import { ALLOC_KIND, alloc_busy, alloc_bytes, alloc_check, alloc_checksum, alloc_search } from './alloc.js';
import { find_pid_ns } from './lookup.js';
import { BATCH_PTR, CoreMemory, SET_TID_PTR, STATS_PTR, TS_DEFAULT_MAX_MEMORY } from './memory.js';
import {
  create_pid_namespace,
  disable_pid_allocation,
  get_pid_ns,
  ns_last_pid,
  pid_max,
  put_pid_ns,
  set_ns_last_pid,
  set_pid_max,
} from './namespace.js';
import { alloc_pid, free_pid, get_pid, pid_nr_ns, put_pid } from './pid.js';

const STATS = STATS_PTR >> 3;
const BATCH = BATCH_PTR >> 2;

class TsCore implements PidCore, AllocatorProbe {
  readonly name = 'ts' as const;
  readonly allocator: AllocatorName;
  readonly build = 'ts';
  readonly statsPtr = STATS_PTR;
  readonly setTidPtr = SET_TID_PTR;
  readonly batchPtr = BATCH_PTR;
  private readonly m: CoreMemory;

  constructor(maxMemoryBytes: number, allocator: AllocatorName) {
    this.allocator = allocator;
    this.m = new CoreMemory(maxMemoryBytes, ALLOC_KIND[allocator]);
  }

  alloc_busy(ns: number, nr: number): boolean {
    return nr >= 0 && nr < PID_MAX_LIMIT && alloc_busy(this.m, ns, nr);
  }
  alloc_search(ns: number, begin: number, end: number): number {
    if (begin < 0 || end <= begin || end > PID_MAX_LIMIT) return -1;
    return alloc_search(this.m, ns, begin, end);
  }
  allocator_checksum(ns: number): number { return alloc_checksum(this.m, ns); }
  allocator_bytes(ns: number): number { return alloc_bytes(this.m, ns); }
  check_allocator(ns: number): number { return alloc_check(this.m, ns); }
  lookup_chunks_made(): number { return this.m.lookupChunksMade; }

  u32(): Uint32Array { return this.m.u32; }
  f64(): Float64Array { return this.m.f64; }
  memoryBytes(): number { return this.m.buf.byteLength; }

  create_pid_namespace(parent: number): number { return create_pid_namespace(this.m, parent); }
  get_pid_ns(ns: number): void { get_pid_ns(this.m, ns); }
  put_pid_ns(ns: number): void { put_pid_ns(this.m, ns); }
  disable_pid_allocation(ns: number): void { disable_pid_allocation(this.m, ns); }

  alloc_pid(ns: number, setTidSize: number): number { return alloc_pid(this.m, ns, setTidSize); }

  /** n alloc_pid(ns, 0) calls (n clamped to [0, BATCH_MAX]); stops at the first error. */
  alloc_pid_batch(ns: number, n: number): number {
    const m = this.m;
    if (n > BATCH_MAX) n = BATCH_MAX;
    let done = 0;
    let err = 0;
    for (; done < n; done++) {
      const pid = alloc_pid(m, ns, 0);
      if (pid < 0) { err = pid; break; }
      m.i32[BATCH + done] = pid;
    }
    m.f64[STATS + STAT_BATCH_ERROR] = err;
    return done;
  }

  free_pid(pid: number): void { free_pid(this.m, pid); }

  free_pid_batch(n: number): void {
    const m = this.m;
    if (n > BATCH_MAX) n = BATCH_MAX;
    for (let k = 0; k < n; k++) free_pid(m, m.i32[BATCH + k]);
  }

  get_pid(pid: number): void { get_pid(this.m, pid); }
  put_pid(pid: number): void { put_pid(this.m, pid); }

  find_pid_ns(nr: number, ns: number): number { return find_pid_ns(this.m, nr | 0, ns); }
  pid_nr_ns(pid: number, ns: number): number { return pid_nr_ns(this.m, pid, ns); }

  ns_last_pid(ns: number): number { return ns_last_pid(this.m, ns); }
  set_ns_last_pid(ns: number, v: number): number { return set_ns_last_pid(this.m, ns, v); }
  pid_max(ns: number): number { return pid_max(this.m, ns); }
  set_pid_max(ns: number, v: number): number { return set_pid_max(this.m, ns, v); }
}

/** The TS twin. Options: allocator (ALLOCATOR_NAMES, default 'pidmap'), maxMemoryBytes (default and ceiling 2 GiB); simd/debug are WASM-only and ignored. */
export function createTsCore(opts: CoreOptions = {}): PidCore & AllocatorProbe {
  const allocator = opts.allocator ?? 'pidmap';
  if (!ALLOCATOR_NAMES.includes(allocator)) throw new RangeError(`unknown allocator ${String(allocator)}`);
  return new TsCore(opts.maxMemoryBytes ?? TS_DEFAULT_MAX_MEMORY, allocator);
}
