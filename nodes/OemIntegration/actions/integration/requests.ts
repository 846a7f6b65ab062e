/** The integration requests that several operations send: list, create and update. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OemExecution } from '../../transport/execution';
import { integrationListSchema, integrationMutationSchema, type CredentialMap, type Integration } from '../../schemas';
import { oemApiRequest, type OemRequest } from '../../transport/request';
import { readOptions } from '../readers';

type Hints = OemRequest<unknown>['hints'];

/**
 * The organization's integrations. Shared: items of one execution asking for the same token get
 * one answer; `fresh` asks the API again (after a 409 the shared answer is out of date).
 */
export async function listIntegrations(
	execution: OemExecution<IExecuteFunctions>,
	itemIndex: number,
	organizationOemToken: string,
	fresh = false,
): Promise<Integration[]> {
	const { integrations } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['integration', 'list'],
		body: { organizationOemToken },
		schema: integrationListSchema,
		action: "list the organization's integrations",
		idempotent: true,
		shareAcrossItems: !fresh,
		itemIndex,
		settings: readOptions(execution.ctx, itemIndex),
	});
	return integrations;
}

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
		settings: readOptions(execution.ctx, itemIndex),
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
		hints: request.hints,
		itemIndex,
		settings: readOptions(execution.ctx, itemIndex),
	});
	return integration as IDataObject;
}
