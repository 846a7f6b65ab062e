import type { ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { integrationListSchema, vendorListSchema, type Integration, type Vendor } from '../schemas';
import type { OemExecution } from '../transport/execution';
import { oemApiRequest } from '../transport/request';

/** What the editor's dropdowns and field loaders read: one request per list per load. */
export async function fetchVendors(execution: OemExecution): Promise<Vendor[]> {
	const { vendors } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['vendor'],
		schema: vendorListSchema,
		action: 'list the vendors',
		idempotent: true,
	});
	return vendors;
}

export async function fetchIntegrations(execution: OemExecution<ILoadOptionsFunctions>): Promise<Integration[]> {
	const { ctx } = execution;
	const token = ctx.getCurrentNodeParameter('organizationOemToken') as unknown;
	if (typeof token === 'string' && token.startsWith('=')) {
		throw new NodeOperationError(
			ctx.getNode(),
			'The Organization OEM Token is an expression, which cannot be evaluated while editing',
			{
				description:
					'Its value only exists when the workflow runs, so the list cannot load. Choose the integration By ID instead (an ID from Integration: List or Create, or an expression such as {{ $json.id }}).',
			},
		);
	}
	if (typeof token !== 'string' || token.trim() === '') {
		throw new NodeOperationError(
			ctx.getNode(),
			'Enter the Organization OEM Token to list its integrations',
			{ description: 'The list needs a token it can read now; with an expression, choose the integration By ID instead.' },
		);
	}
	const { integrations } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['integration', 'list'],
		body: { organizationOemToken: token.trim() },
		schema: integrationListSchema,
		action: "list the organization's integrations",
		idempotent: true,
	});
	return integrations;
}
