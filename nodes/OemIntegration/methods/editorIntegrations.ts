import type { ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listIntegrations } from '../../shared/lists';
import type { Integration } from '../../shared/schemas/answers';
import type { OemExecution } from '../../shared/transport/execution';

/** The organization's integrations for the editor's dropdowns and field loaders, from the token as typed. */
export async function listEditorIntegrations(execution: OemExecution<ILoadOptionsFunctions>): Promise<Integration[]> {
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
	return await listIntegrations(execution, token.trim());
}
