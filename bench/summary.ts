/** What the report keeps of a contender's runs: their medians. */
import type { Runs } from './alternate';
import { median } from './stats';

export type Row = {
	runs: number;
	nodesMs: number;
	executionMs: number;
	cpuMs: number;
	nodeCpuMs: number;
	items: number;
	peakRssMiB: number;
	growthMiB: number;
	inFlight?: number;
};

/** Medians of one contender's runs. */
export function summary(runs: Runs<{ inFlight?: number }>): Row {
	const inFlight = runs.map((r) => r.inFlight).filter((v): v is number => v !== undefined);
	return {
		runs: runs.length,
		nodesMs: median(runs.map((r) => r.nodesMs)),
		executionMs: median(runs.map((r) => r.executionMs)),
		cpuMs: median(runs.map((r) => r.cpuMs)),
		nodeCpuMs: median(runs.map((r) => r.nodeCpuMs)),
		items: runs[0].items,
		peakRssMiB: median(runs.map((r) => r.peakRssMiB)),
		growthMiB: median(runs.map((r) => r.peakRssMiB - r.startRssMiB)),
		inFlight: inFlight.length ? Math.max(...inFlight) : undefined,
	};
}

/** A summary of every contender (by id). */
export function mapValues<A, B>(map: Map<string, A>, f: (value: A) => B): Record<string, B> {
	const out: Record<string, B> = {};
	for (const [key, value] of map) out[key] = f(value);
	return out;
}
