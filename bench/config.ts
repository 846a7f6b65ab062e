/**
 * bench/run.ts's settings (environment): BENCH_RUNS (runs per figure, median; default 5),
 * BENCH_QUICK=1, BENCH_ONLY (any of P1,P2,P3,P4), BENCH_N8N_VERSION, BENCH_P1_ITEMS, BENCH_P2_ITEMS,
 * BENCH_SIZES (P3 vendor counts, comma-separated), BENCH_P4_ITEMS (the 10 s shapes; default 1000),
 * BENCH_P4_ITEMS_60 (the 60 s shape; default 300), BENCH_P4_RUNS (default: BENCH_RUNS); the P4
 * shapes are in bench/p4.ts.
 * BENCH_OUT (the results file in bench/; default RESULTS.md, or RESULTS.quick.md for a quick run),
 * BENCH_CPU_PROF (a folder: each `n8n execute` also writes a V8 CPU profile there).
 */
import * as path from 'node:path';

import { env, numberEnv, numbersEnv } from './env';
import { p4Shapes } from './p4';

export const QUICK = env('BENCH_QUICK') === '1';
export const RUNS = numberEnv('BENCH_RUNS', 5);
export const ONLY = new Set((env('BENCH_ONLY') ?? 'P1,P2,P3,P4').toUpperCase().split(',').map((s) => s.trim()));
export const P1_ITEMS = numberEnv('BENCH_P1_ITEMS', QUICK ? 50 : 200);
export const P2_ITEMS = numberEnv('BENCH_P2_ITEMS', QUICK ? 100 : 1000);
export const P2_LATENCY_MS = 20;
export const P3_SIZES = numbersEnv('BENCH_SIZES', QUICK ? [1000] : [1000, 10_000, 100_000]);
export const P3_MAIN_SIZE = P3_SIZES.includes(10_000) ? 10_000 : P3_SIZES[0];
export const P4_SHAPES = p4Shapes(QUICK);
export const P4_RUNS = numberEnv('BENCH_P4_RUNS', RUNS);
/** Where the report goes: a file in bench/. */
export const RESULTS_FILE = path.join(__dirname, path.basename(env('BENCH_OUT') ?? (QUICK ? 'RESULTS.quick.md' : 'RESULTS.md')));
