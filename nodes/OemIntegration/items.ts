import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { OemExecution } from './transport/execution';

/** What an operation does for one input item: the JSON of the output items it yields. */
export type ItemOperation = (
	this: IExecuteFunctions,
	itemIndex: number,
	execution: OemExecution,
) => Promise<IDataObject[]>;

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
	const execution = new OemExecution(ctx);
	let next = 0;

	const worker = async () => {
		while (next < inputCount && (failures.size === 0 || ctx.continueOnFail())) {
			const itemIndex = next++;
			try {
				const jsons = await operation.call(ctx, itemIndex, execution);
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

	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return results.flat();
}
