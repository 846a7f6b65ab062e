/** The integration writes that several operations send: create and update. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OemExecution } from '../../../shared/transport/execution';
import { integrationMutationSchema } from '../../../shared/schemas/answers';
import { type CredentialMap } from '../../../shared/schemas/templates';
import { oemApiRequest, type OemRequest } from '../../../shared/transport/request';
import { readOptions } from '../readers';

type Hints = OemRequest<unknown>['hints'];

export async function createIntegration(
	execution: OemExecution<IExecuteFunctions>,
	itemIndex: number,
	request: {
		organizationOemToken: string;
		vendorId: string;
		integrationCredentials: CredentialMap;
		hints: Hints;
		uncertain?: OemRequest<unknown>['uncertain'];
	},
): Promise<IDataObject> {
	const { organizationOemToken, vendorId, integrationCredentials } = request;
	const { integration } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['integration'],
		body: { organizationOemToken, data: { vendorId, integrationCredentials } },
		schema: integrationMutationSchema,
		action: 'create the integration',
		idempotent: false,
		uncertain: request.uncertain,
		hints: request.hints,
		itemIndex,
		settings: readOptions(execution, itemIndex),
	});
	return integration as IDataObject;
}

export async function updateIntegration(
	execution: OemExecution<IExecuteFunctions>,
	itemIndex: number,
	request: { organizationOemToken: string; integrationId: string; integrationCredentials: CredentialMap; hints: Hints },
): Promise<IDataObject> {
	const { organizationOemToken, integrationId, integrationCredentials } = request;
	const { integration } = await oemApiRequest(execution, {
		method: 'PATCH',
		path: ['integration', integrationId],
		body: { organizationOemToken, data: { integrationCredentials } },
		schema: integrationMutationSchema,
		action: 'update the integration',
		// Replacing credentials with the same values twice leaves the same state.
		idempotent: true,
		appliedWarning: 'The update may have been applied anyway: running this item again sends the same values, which is harmless',
		hints: request.hints,
		itemIndex,
		settings: readOptions(execution, itemIndex),
	});
	return integration as IDataObject;
}
