import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** What an operation does for one input item: the JSON of the output items it yields. */
export type ItemOperation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject[]>;

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
 * Runs an operation over every input item, `concurrency` at a time. Output keeps input order,
 * every item is paired with its input, and under Continue On Fail a failed input yields one error
 * item while the others still run; otherwise the first failure (in input order) stops the node.
 */
export async function runItems(
	ctx: IExecuteFunctions,
	operation: ItemOperation,
	concurrency: number,
): Promise<INodeExecutionData[]> {
	const inputCount = ctx.getInputData().length;
	const results: INodeExecutionData[][] = new Array(inputCount);
	const failures = new Map<number, Error>();
	let next = 0;

	const worker = async () => {
		while (next < inputCount && (failures.size === 0 || ctx.continueOnFail())) {
			const itemIndex = next++;
			try {
				const jsons = await operation.call(ctx, itemIndex);
				results[itemIndex] = jsons.map((json) => ({ json, pairedItem: { item: itemIndex } }));
			} catch (error) {
				const nodeError = asNodeError(ctx, error, itemIndex);
				if (ctx.continueOnFail()) results[itemIndex] = [errorItem(nodeError, itemIndex)];
				else failures.set(itemIndex, nodeError);
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, inputCount));
	await Promise.all(Array.from({ length: workers }, worker));

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
 * were carried out (before it, or beside it with Items at Once above 1). The error's description
 * says which, so the user knows what a rerun repeats.
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
	const otherFailures = [...failures.keys()].filter((index) => index !== failedIndex);
	const notStarted = Array.from({ length: inputCount - started }, (_, k) => started + k);
	const lines = [`The node stopped at input item ${failedIndex}; the output of the other items is lost.`];
	lines.push(
		done.length > 0
			? `Carried out before it stopped (a rerun repeats them): ${itemList(done)}.`
			: 'No other input item was carried out.',
	);
	if (otherFailures.length > 0) lines.push(`Also failed: ${itemList(otherFailures)}.`);
	if (notStarted.length > 0) lines.push(`Not started: ${itemList(notStarted)}.`);
	const report = lines.join(' ');
	const target = error as Error & { description?: string | null };
	target.description = target.description ? `${target.description}\n\n${report}` : report;
	return error;
}
