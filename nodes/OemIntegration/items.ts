import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { maybeDoneWarning } from '../shared/transport/errors';
import { OemExecution } from '../shared/transport/execution';
import type { RateLimit } from '../shared/transport/rateLimit';

/**
 * What an operation does for one input item: the JSON of the output items it yields. It reaches
 * n8n's context only through `execution.ctx` (no `this`), so one object carries all it uses: the
 * context, the node, the parameters as read once, the credential and the pace.
 */
export type ItemOperation = (itemIndex: number, execution: OemExecution<IExecuteFunctions>) => Promise<IDataObject[]>;

function errorItem(error: Error, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	const { description, httpCode } = error as { description?: unknown; httpCode?: unknown };
	if (typeof description === 'string' && description) json.description = description;
	if (typeof httpCode === 'string' && httpCode) json.httpCode = httpCode;
	return { json, pairedItem: { item: itemIndex } };
}

function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number) {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	// Anything else is a bug of ours; its message is kept, its object (which could hold request data) is not.
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

/**
 * Runs an operation over every input item, several at a time: a fixed number (Items at Once), or
 * in Auto as many as the execution's flow controller allows at the moment. Output keeps input
 * order, every item is paired with its input, and under Continue On Fail a failed input yields one
 * error item while the others still run; otherwise the first failure (in input order) stops the
 * node and no further item is started.
 */
export async function runItems(
	ctx: IExecuteFunctions,
	operation: ItemOperation,
	concurrency: number | undefined,
	rateLimit?: RateLimit,
): Promise<INodeExecutionData[]> {
	const inputCount = ctx.getInputData().length;
	const results: INodeExecutionData[][] = new Array(inputCount);
	const failures = new Map<number, Error>();
	const auto = concurrency === undefined;
	const execution = new OemExecution(ctx, { auto, rateLimit });
	const fixed = Math.max(1, Math.floor(Number(concurrency)) || 1);
	const window = () => (auto ? execution.flow.window : fixed);
	// Once the user stopped the execution no item starts, Continue On Fail or not.
	const stopped = () => execution.cancelled || (failures.size > 0 && !ctx.continueOnFail());

	const runOne = async (itemIndex: number) => {
		try {
			const jsons = await operation(itemIndex, execution);
			results[itemIndex] = jsons.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			const nodeError = asNodeError(ctx, error, itemIndex);
			if (ctx.continueOnFail()) results[itemIndex] = [errorItem(nodeError, itemIndex)];
			else failures.set(itemIndex, nodeError);
		}
	};

	let next = 0;
	await new Promise<void>((resolve) => {
		let active = 0;
		const fill = () => {
			while (next < inputCount && !stopped() && active < window()) {
				active++;
				void runOne(next++).finally(() => {
					active--;
					fill();
				});
			}
			if (active === 0) resolve();
		};
		fill();
	});

	if (failures.size > 0) {
		const first = Math.min(...failures.keys());
		throw withStopReport(failures.get(first)!, first, failures, results, next, inputCount);
	}
	return results.flat();
}

/** "items 0, 2, 5–9": input item indexes, runs joined. */
export function itemList(indexes: number[]): string {
	const sorted = [...indexes].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let i = 0; i < sorted.length; i++) {
		let j = i;
		while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
		parts.push(j === i ? String(sorted[i]) : j === i + 1 ? `${sorted[i]}, ${sorted[j]}` : `${sorted[i]}–${sorted[j]}`);
		i = j;
	}
	return `${sorted.length === 1 ? 'item' : 'items'} ${parts.join(', ')}`;
}

/**
 * When the node stops at a failure, the output of every other item is lost, though some of them
 * were carried out (before it, or beside it with Items at Once above 1), and some failed in a way
 * that leaves open whether the API did it. The error's description says which, so the user knows
 * what a rerun repeats.
 */
function withStopReport(
	error: Error,
	failedIndex: number,
	failures: Map<number, Error>,
	results: INodeExecutionData[][],
	started: number,
	inputCount: number,
): Error {
	if (inputCount < 2) return error;
	const done: number[] = [];
	for (let index = 0; index < inputCount; index++) if (results[index]) done.push(index);
	const maybeDone: string[] = [];
	const otherFailures: number[] = [];
	for (const index of [...failures.keys()].sort((a, b) => a - b)) {
		if (index === failedIndex) continue;
		const warning = maybeDoneWarning(failures.get(index));
		if (warning) maybeDone.push(`item ${index} (${warning})`);
		else otherFailures.push(index);
	}
	const notStarted = Array.from({ length: inputCount - started }, (_, k) => started + k);
	const lines = [`The node stopped at input item ${failedIndex}; the output of the other items is lost.`];
	if (done.length > 0) lines.push(`Carried out before it stopped (a rerun repeats them): ${itemList(done)}.`);
	else if (maybeDone.length === 0) lines.push('No other input item was carried out.');
	if (maybeDone.length > 0) lines.push(`May have been carried out, check before rerunning: ${maybeDone.join('; ')}.`);
	if (otherFailures.length > 0) lines.push(`Also failed: ${itemList(otherFailures)}.`);
	if (notStarted.length > 0) lines.push(`Not started: ${itemList(notStarted)}.`);
	const report = lines.join(' ');
	const target = error as Error & { description?: string | null };
	target.description = target.description ? `${target.description}\n\n${report}` : report;
	return error;
}
