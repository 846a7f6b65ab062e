import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runItems } from '../items';
import type { OemOperation } from './node.type';
import { operations } from './operations';
import { type NodeOptions, readRateLimit } from './readers';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const byOperation = (operations as Record<string, Record<string, OemOperation> | undefined>)[resource];
	const run = byOperation && Object.prototype.hasOwnProperty.call(byOperation, operation) ? byOperation[operation] : undefined;
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	// Read before the items run, to set up how many run at once; the items read the options through the execution.
	const { concurrency } = this.getNodeParameter('options', 0, {}) as Pick<NodeOptions, 'concurrency'>;
	return [await runItems(this, run.execute, concurrency, readRateLimit(this))];
}
