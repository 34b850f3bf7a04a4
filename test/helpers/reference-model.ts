/**
 * A naive reference model of the pid core's observable semantics (Linux
 * 6.18 kernel/pid.c alloc_pid / free_pid, kernel/pid_namespace.c, the
 * ns_last_pid and pid_max sysctls), written the simplest way: a plain Set of
 * taken numbers per namespace, linear scans, plain objects. No bitmaps, no
 * memory, no work counters — so a bug in the cores' bitmap search, masks,
 * page bookkeeping or lookup table cannot hide in the model as well.
 *
 * Things the model does compute so the cores can be compared against it:
 * - which bitmap pages a core must have allocated (a page comes into being
 *   the first time a number in it is taken, page 0 at creation), and the
 *   expected words of a page, derived from the Set (expectedWords);
 * - the counters that are semantic rather than positional: successful
 *   allocations, frees, pages allocated, the last batch's error.
 */
import { EAGAIN, EEXIST, EINVAL, ENOMEM, ENOSPC } from '../../src/core/errno.js';
import {
  BITS_PER_PAGE,
  MAX_PID_NS_LEVEL,
  NS_FLAG_HAS_REAPER,
  PID_MAX_LIMIT,
  PID_MAX_MIN,
  PIDNS_ADDING,
  RESERVED_PIDS,
  WORDS_PER_PAGE,
} from '../../src/core/layout.js';

const ADDING = PIDNS_ADDING >>> 0;

export class ModelNs {
  readonly level: number;
  readonly parent: ModelNs | null;
  /** idr cursor: last cyclic allocation + 1; 0 = never (ns_last_pid reads -1). */
  cursor = 0;
  pidMax = PID_MAX_LIMIT;
  /** PIDNS_ADDING: still accepts pids. */
  adding = true;
  /** Published pids with a number here (threads, zombies, deeper pids included). */
  nrPids = 0;
  hasReaper = false;
  count = 1;
  freed = false;
  /** Numbers taken (reserved or published). Never contains 0. */
  readonly taken = new Set<number>();
  /** Bitmap pages a core must have allocated (page index = nr / BITS_PER_PAGE). */
  readonly pages = new Set<number>([0]);
  /** find_pid_ns: published numbers only. */
  readonly lookup = new Map<number, ModelPid>();
  /** How many numbers of each page are taken (a count, not a bitmap; for nr_free). */
  readonly pageUsed = new Map<number, number>();

  constructor(parent: ModelNs | null) {
    this.parent = parent;
    this.level = parent === null ? 0 : parent.level + 1;
  }

  /** pid_allocated as the core stores it (u32). */
  pidAllocated(): number {
    return (this.adding ? ADDING : 0) + this.nrPids;
  }
  flags(): number {
    return this.hasReaper ? NS_FLAG_HAS_REAPER : 0;
  }
  /** Free numbers of bitmap page p as the core's nr_free counts them (page 0 has pid 0 set). */
  nrFree(p: number): number {
    return BITS_PER_PAGE - (p === 0 ? 1 : 0) - (this.pageUsed.get(p) ?? 0);
  }
  /** The bitmap words page p must hold: bit n set ⇔ number p*BITS_PER_PAGE+n is taken (and pid 0). */
  expectedWords(p: number, into?: Uint32Array): Uint32Array {
    const w = into ?? new Uint32Array(WORDS_PER_PAGE);
    w.fill(0);
    if (p === 0) w[0] = 1;
    const base = p * BITS_PER_PAGE;
    if ((this.pageUsed.get(p) ?? 0) === 0) return w;
    for (const nr of this.taken) {
      const off = nr - base;
      if (off >= 0 && off < BITS_PER_PAGE) w[Math.floor(off / 32)] |= 2 ** (off % 32);
    }
    return w;
  }
  isTaken(nr: number): boolean {
    return this.taken.has(nr);
  }
}

export class ModelPid {
  readonly level: number;
  /** numbers[i] = the number in the level-i namespace of its chain. */
  readonly nrs: number[];
  readonly nss: ModelNs[];
  count = 1;
  published = true;
  constructor(nrs: number[], nss: ModelNs[]) {
    this.level = nrs.length - 1;
    this.nrs = nrs;
    this.nss = nss;
  }
}

/** A (namespace, number) whose bit changed in the last operations: the pages worth re-checking. */
export interface Touch {
  ns: ModelNs;
  nr: number;
}

export class ReferenceModel {
  allocs = 0;
  frees = 0;
  pagesAllocated = 0;
  batchError = 0;
  /** Every take and release since the last drainTouched(). */
  touched: Touch[] = [];

  drainTouched(): Touch[] {
    const t = this.touched;
    this.touched = [];
    return t;
  }

  private take(ns: ModelNs, nr: number): void {
    const page = Math.floor(nr / BITS_PER_PAGE);
    if (!ns.pages.has(page)) {
      ns.pages.add(page);
      this.pagesAllocated++;
    }
    ns.taken.add(nr);
    ns.pageUsed.set(page, (ns.pageUsed.get(page) ?? 0) + 1);
    this.touched.push({ ns, nr });
  }
  private release(ns: ModelNs, nr: number): void {
    ns.taken.delete(nr);
    const page = Math.floor(nr / BITS_PER_PAGE);
    ns.pageUsed.set(page, (ns.pageUsed.get(page) as number) - 1);
    this.touched.push({ ns, nr });
  }

  create_pid_namespace(parent: ModelNs | null): ModelNs | number {
    if (parent !== null && parent.level + 1 > MAX_PID_NS_LEVEL) return -ENOSPC;
    const ns = new ModelNs(parent);
    this.pagesAllocated++; // page 0
    if (parent !== null) parent.count++;
    return ns;
  }
  get_pid_ns(ns: ModelNs): void {
    ns.count++;
  }
  put_pid_ns(ns: ModelNs | null): void {
    while (ns !== null) {
      if (--ns.count > 0) return;
      ns.freed = true;
      ns = ns.parent;
    }
  }
  disable_pid_allocation(ns: ModelNs): void {
    ns.adding = false;
  }

  /**
   * idr_alloc_cyclic(lo, pid_max) from the cursor: the first free number in
   * [max(cursor, lo), pid_max), else in [lo, pid_max) when that starts lower.
   */
  private cyclic(ns: ModelNs): number {
    const lo = ns.cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
    const begin = Math.max(ns.cursor, lo);
    for (let nr = begin; nr < ns.pidMax; nr++) if (!ns.taken.has(nr)) return nr;
    if (begin > lo) for (let nr = lo; nr < ns.pidMax; nr++) if (!ns.taken.has(nr)) return nr;
    return -1;
  }

  /** alloc_pid(ns, set_tid) of 6.18; setTid[0] is the deepest level. */
  alloc_pid(ns: ModelNs, setTid: number[]): ModelPid | number {
    if (setTid.length > ns.level + 1) return -EINVAL;
    const nrs: number[] = new Array<number>(ns.level + 1);
    const nss: ModelNs[] = new Array<ModelNs>(ns.level + 1);
    let err = 0;
    let tmp: ModelNs = ns;
    let i = ns.level;
    for (; i >= 0; i--) {
      const k = ns.level - i; // set_tid index
      let nr: number;
      if (k < setTid.length) {
        const tid = setTid[k];
        if (tid < 1 || tid >= tmp.pidMax) { err = -EINVAL; break; }
        if (tid !== 1 && !tmp.hasReaper) { err = -EINVAL; break; }
        if (tmp.taken.has(tid)) { err = -EEXIST; break; }
        nr = tid; // no cursor move
      } else {
        nr = this.cyclic(tmp);
        if (nr < 0) { err = -EAGAIN; break; }
        tmp.cursor = nr + 1;
      }
      this.take(tmp, nr);
      nrs[i] = nr;
      nss[i] = tmp;
      tmp = tmp.parent as ModelNs;
    }
    if (err === 0 && !ns.adding) { err = -ENOMEM; i = -1; }
    if (err !== 0) {
      for (let j = i + 1; j <= ns.level; j++) this.release(nss[j], nrs[j]);
      if (ns.adding && ns.nrPids === 0) ns.cursor = 0; // a namespace that never had a pid starts over at 1
      return err;
    }
    const pid = new ModelPid(nrs, nss);
    for (let j = 0; j <= ns.level; j++) {
      nss[j].lookup.set(nrs[j], pid);
      nss[j].nrPids++;
    }
    if (nrs[ns.level] === 1) ns.hasReaper = true;
    ns.count++;
    this.allocs++;
    return pid;
  }

  alloc_pid_batch(ns: ModelNs, n: number): ModelPid[] {
    const out: ModelPid[] = [];
    this.batchError = 0;
    for (let k = 0; k < n; k++) {
      const p = this.alloc_pid(ns, []);
      if (typeof p === 'number') { this.batchError = p; break; }
      out.push(p);
    }
    return out;
  }

  free_pid(pid: ModelPid): void {
    for (let i = 0; i <= pid.level; i++) {
      const ns = pid.nss[i];
      ns.nrPids--;
      if (ns.adding && ns.nrPids === 0) ns.adding = false; // first process gone: dead (6.18)
      ns.lookup.delete(pid.nrs[i]);
      this.release(ns, pid.nrs[i]);
    }
    pid.published = false;
    this.frees++;
    this.put_pid(pid);
  }
  get_pid(pid: ModelPid): void {
    pid.count++;
  }
  put_pid(pid: ModelPid): void {
    if (--pid.count === 0) this.put_pid_ns(pid.nss[pid.level]);
  }

  find_pid_ns(nr: number, ns: ModelNs): ModelPid | null {
    return ns.lookup.get(nr) ?? null;
  }
  pid_nr_ns(pid: ModelPid, ns: ModelNs): number {
    return ns.level <= pid.level && pid.nss[ns.level] === ns ? pid.nrs[ns.level] : 0;
  }

  ns_last_pid(ns: ModelNs): number {
    return ns.cursor - 1;
  }
  set_ns_last_pid(ns: ModelNs, v: number): number {
    if (!Number.isInteger(v) || v < 0 || v > ns.pidMax) return -EINVAL;
    ns.cursor = v + 1;
    return 0;
  }
  pid_max(ns: ModelNs): number {
    return ns.pidMax;
  }
  set_pid_max(ns: ModelNs, v: number): number {
    if (!Number.isInteger(v) || v < PID_MAX_MIN || v > PID_MAX_LIMIT) return -EINVAL;
    ns.pidMax = v;
    return 0;
  }
}
