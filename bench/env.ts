/** The benchmarks' settings from the environment (BENCH_*), read the same way by every script. */
import * as path from 'node:path';

/** A setting's value, or undefined when it is unset or blank. */
export const env = (name: string) => process.env[name]?.trim() || undefined;

/** A positive number setting, or `fallback` when it is unset. */
export const numberEnv = (name: string, fallback: number) => {
	const value = env(name);
	if (value === undefined) return fallback;
	const n = Number(value);
	if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${value}"`);
	return n;
};

/** A comma-separated list of numbers, or `fallback` when it is unset. */
export const numbersEnv = (name: string, fallback: number[]) => env(name)?.split(',').map(Number) ?? fallback;

/** BENCH_N8N_VERSION as N8nInstance.create's option (none: the e2e suite's pinned version). */
export const n8nVersionOption = () => (env('BENCH_N8N_VERSION') ? { version: env('BENCH_N8N_VERSION') } : {});

/** BENCH_CPU_PROF=<folder>: Node's flags that write a V8 CPU profile there, as `<name>-<time>.cpuprofile`. */
export const cpuProfileFlags = (name: string): string[] => {
	const folder = env('BENCH_CPU_PROF');
	return folder ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(folder)}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
};
