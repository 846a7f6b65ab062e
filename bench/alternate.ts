/**
 * Workflows compared with each other run alternately (A, B, C, A, B, C…), so a noisy moment of a
 * shared machine hits all alike.
 */
import type { N8nInstance } from '../scripts/lib/n8n';
import { RUNS } from './config';
import { progressLog } from './log';
import { execute, type Measured } from './measure';

const log = progressLog('bench');

/** One workflow of a comparison: what to run, and what to check or count around each run. */
export interface Contender<Extra extends object = object> {
	id: string;
	nodeNames: string[];
	allowFailure?: boolean;
	before?: () => void;
	/** After each run: checks (throw) and extra figures from the sandbox. */
	after?: (measured: Measured) => Extra;
}

export type Runs<Extra extends object = object> = Array<Measured & Extra>;

/** Runs the contenders alternately (A, B, C, A, B, C…), `runs` times each. */
export async function alternate<Extra extends object>(n8n: N8nInstance, contenders: Array<Contender<Extra>>, runs = RUNS) {
	const all = new Map<string, Runs<Extra>>(contenders.map((c) => [c.id, []]));
	for (let i = 0; i < runs; i++) {
		for (const c of contenders) {
			c.before?.();
			const measured = await execute(n8n, c.id, c.nodeNames, c.allowFailure);
			const extra = c.after?.(measured) ?? ({} as Extra);
			const run = { ...measured, ...extra };
			all.get(c.id)!.push(run);
			log(
				`${c.id} #${i + 1}: node ${run.nodesMs} ms, execution ${run.executionMs} ms, CPU node ${run.nodeCpuMs.toFixed(0)} / execution ${run.cpuMs.toFixed(0)} ms, ${run.items} items` +
					`${run.errorItems ? ` (${run.errorItems} errors)` : ''}, RSS ${run.startRssMiB.toFixed(0)} → peak ${run.peakRssMiB.toFixed(0)} MiB` +
					`${Object.keys(extra).length ? `, ${JSON.stringify(extra)}` : ''}${run.failed ? `, failed: ${run.failed.slice(0, 120)}` : ''}`,
			);
		}
	}
	return all;
}
