/**
 * The slice of benchmark.js (2.1.4, which ships no types) that bench/core.ts
 * uses: one Benchmark run synchronously, its error and its sample stats.
 */
declare module 'benchmark' {
  interface Options {
    minSamples?: number;
    maxTime?: number;
  }
  interface Stats {
    /** Mean seconds per call of the benchmarked function. */
    mean: number;
    /** Relative margin of error, in percent. */
    rme: number;
  }
  class Benchmark {
    constructor(name: string, fn: () => void, options?: Options);
    run(): this;
    error?: Error;
    stats: Stats;
  }
  export default Benchmark;
}
