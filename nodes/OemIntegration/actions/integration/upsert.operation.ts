import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { OemExecution } from '../../transport/execution';
import { readOptions, readOrganizationToken, readVendorId } from '../readers';
import { integrationTargetProperties } from './create.operation';
import { readCredentialValues } from './credentialValues';
import { listIntegrations } from '../../lists';
import { createIntegration, updateIntegration } from './requests';

export const option = {
	name: 'Create or Update',
	description:
		"Create the organization's integration with a vendor, or replace its stored credentials if it already has one",
	action: 'Create or update an integration',
};

export const description: INodeProperties[] = integrationTargetProperties('upsert');

const UPDATE_HINTS = {
	404: 'Integration: List showed this integration, but it is gone now (removed meanwhile?); run the item again to create it',
};

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(this, itemIndex);
	const vendorId = readVendorId(this, itemIndex);
	const integrationCredentials = readCredentialValues(this, itemIndex);

	const update = async (integrationId: string) => {
		const updated = await updateIntegration(execution, itemIndex, {
			organizationOemToken,
			integrationId,
			integrationCredentials,
			hints: UPDATE_HINTS,
		});
		return [{ id: updated.id, vendorId: updated.vendorId ?? vendorId, action: 'updated' }];
	};
	const existing = (await listIntegrations(execution, organizationOemToken, { itemIndex, settings: readOptions(this, itemIndex), shared: true })).find((entry) => entry.vendorId === vendorId);
	if (existing) return await update(existing.id);

	const attempt = await createIntegration(execution, itemIndex, {
		organizationOemToken,
		vendorId,
		integrationCredentials,
		hints: { 404: 'no vendor with this ID exists; pick one from Vendor: List' },
		uncertain: {
			maybe: 'The integration may have been created',
			check: 'running Create or Update again is safe (it updates the integration if it exists); or check with Integration: List',
		},
	}).then(
		(created) => ({ created }),
		(error: unknown) => ({ error }),
	);
	if ('created' in attempt) {
		return [{ id: attempt.created.id, vendorId: attempt.created.vendorId ?? vendorId, action: 'created' }];
	}
	const { error } = attempt;
	if (!(error instanceof NodeApiError) || error.httpCode !== '409') throw error;
	// Created meanwhile (by another item, run or user): the shared list is out of date, ask again.
	const now = (
		await listIntegrations(execution, organizationOemToken, { itemIndex, settings: readOptions(this, itemIndex) })
	).find((entry) => entry.vendorId === vendorId);
	if (!now) {
		error.message += ', but Integration: List shows no integration for this vendor; check the Vendor ID';
		throw error;
	}
	return await update(now.id);
}
