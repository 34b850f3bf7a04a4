/**
 * The allocator's work counters by name. Both cores keep them in the stats
 * block of their memory (layout.ts STAT_*, at PidCore.statsPtr), where the
 * hot paths read single slots; this is the reader for everyone else (the
 * CLI's --stats, the playground, embedders), so none of them hard-codes
 * slot offsets.
 */
import {
  STAT_ALLOCS,
  STAT_BATCH_ERROR,
  STAT_FREES,
  STAT_PAGES_ALLOCATED,
  STAT_PAGES_TOUCHED,
  STAT_WORDS_SCANNED,
} from './layout.js';
import type { PidCore } from './types.js';

/**
 * Cumulative since the core was made (differences between two readings
 * give the work in between). What a "word" and a "page" are depends on the
 * allocator (docs/core-algorithms.md "Allocators"): pidmap scans 32-bit
 * bitmap words in 32768-bit pages, idr reads 64-slot tree nodes, hbm reads
 * bitmap and summary words in blocks.
 */
export interface AllocatorCounters {
  /** Words the searches examined (STAT_WORDS_SCANNED). */
  wordsScanned: number;
  /** Pages (pidmap), nodes (idr) or blocks (hbm) the searches visited (STAT_PAGES_TOUCHED). */
  pagesTouched: number;
  /** Pages / nodes / blocks allocated (STAT_PAGES_ALLOCATED). */
  pagesAllocated: number;
  /** Successful alloc_pid calls (STAT_ALLOCS). */
  allocs: number;
  /** free_pid calls (STAT_FREES). */
  frees: number;
  /** The negative errno that stopped the last alloc_pid_batch early, else 0 (STAT_BATCH_ERROR). */
  batchError: number;
}

/** The counters of `core` now; pass `into` to fill an object you keep (no allocation). */
export function readCounters(core: PidCore, into?: AllocatorCounters): AllocatorCounters {
  const f = core.f64();
  const at = core.statsPtr >> 3;
  const c = into ?? { wordsScanned: 0, pagesTouched: 0, pagesAllocated: 0, allocs: 0, frees: 0, batchError: 0 };
  c.wordsScanned = f[at + STAT_WORDS_SCANNED];
  c.pagesTouched = f[at + STAT_PAGES_TOUCHED];
  c.pagesAllocated = f[at + STAT_PAGES_ALLOCATED];
  c.allocs = f[at + STAT_ALLOCS];
  c.frees = f[at + STAT_FREES];
  c.batchError = f[at + STAT_BATCH_ERROR];
  return c;
}

/** `now - before`, field by field (batchError: the one of `now`). */
export function countersSince(before: AllocatorCounters, now: AllocatorCounters): AllocatorCounters {
  return {
    wordsScanned: now.wordsScanned - before.wordsScanned,
    pagesTouched: now.pagesTouched - before.pagesTouched,
    pagesAllocated: now.pagesAllocated - before.pagesAllocated,
    allocs: now.allocs - before.allocs,
    frees: now.frees - before.frees,
    batchError: now.batchError,
  };
}
