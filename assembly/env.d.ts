/** Set by asconfig.json through `--use DEBUG=0|1`: 1 in the debug build (invariants checked). */
declare const DEBUG: i32;
