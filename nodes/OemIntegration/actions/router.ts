import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runItems, type ItemOperation } from '../items';
import { readOptions } from './common';
import * as integration from './integration';
import * as vendor from './vendor';

const operations: Record<string, Record<string, ItemOperation>> = {
	vendor: { list: vendor.list.execute },
	integration: {
		create: integration.create.execute,
		list: integration.list.execute,
		update: integration.update.execute,
	},
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const run = operations[resource]?.[operation];
	if (!run) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	const { concurrency } = readOptions(this, 0);
	return [await runItems(this, run, concurrency)];
}
