import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { organizationOemTokenProperty } from '../../../shared/descriptions';
import type { OemExecution } from '../../../shared/transport/execution';
import type { PreviousWrite } from '../../../shared/transport/writeOrder';
import { vendorIdProperty } from '../descriptions';
import { readOrganizationToken, readVendorId } from '../readers';
import { credentialValueProperties, readCredentialValues } from './credentialValues';
import { createIntegration, updateIntegration } from './requests';
import {
	afterWrite,
	currentIntegration,
	keepStoredKeys,
	listedIntegration,
	refuseExternal,
	removalAllowed,
	type IntegrationWrite,
	type StoredIntegration,
} from './storedKeys';

export const option = {
	name: 'Create or Update',
	description:
		"Create the organization's integration with a vendor, or replace its stored credentials if it already has one",
	action: 'Create or update an integration',
};

export const description: INodeProperties[] = [
	organizationOemTokenProperty,
	vendorIdProperty,
	{
		displayName: 'If the Integration Exists',
		name: 'ifExists',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Update It',
				value: 'update',
				description: 'Replace its stored credentials with the ones given here',
			},
			{
				name: 'Skip It',
				value: 'skip',
				description: 'Leave it as it is: nothing is sent for it, and its output says action "skipped"',
			},
		],
		default: 'update',
	},
	...credentialValueProperties('upsert'),
];

const UPDATE_HINTS = {
	404: 'Integration: List showed this integration, but it is gone now (removed meanwhile?); run the item again to create it',
};

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(execution, itemIndex);
	const vendorId = readVendorId(execution, itemIndex);
	const integrationCredentials = readCredentialValues(execution, itemIndex);
	const skip = execution.parameter<string>('ifExists', itemIndex, 'update') === 'skip';
	const checked = !removalAllowed(execution, itemIndex);

	const update = async (existing: StoredIntegration): Promise<IntegrationWrite> => {
		const { id } = existing;
		if (skip) return { output: { id, vendorId, action: 'skipped' }, stored: existing };
		refuseExternal(execution.ctx, itemIndex, existing, 'Leave this vendor out, or set If the Integration Exists to Skip It.');
		if (checked) keepStoredKeys(execution.ctx, itemIndex, existing.keys, integrationCredentials, ' To leave integrations that exist as they are, set If the Integration Exists to Skip It.');
		const updated = await updateIntegration(execution, itemIndex, { organizationOemToken, integrationId: id, integrationCredentials, hints: UPDATE_HINTS });
		return { output: { id: updated.id, vendorId: updated.vendorId ?? vendorId, action: 'updated' }, stored: afterWrite(existing, integrationCredentials) };
	};

	const createOrUpdate = async (previous: PreviousWrite<IntegrationWrite>): Promise<IntegrationWrite> => {
		const isIt = (entry: { vendorId: string }) => entry.vendorId === vendorId;
		const existing = await currentIntegration(execution, itemIndex, organizationOemToken, previous, isIt);
		if (existing) return await update(existing);

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
			const created = { id: String(attempt.created.id), vendorId: String(attempt.created.vendorId ?? vendorId), external: false, keys: [] };
			return { output: { id: created.id, vendorId: created.vendorId, action: 'created' }, stored: afterWrite(created, integrationCredentials) };
		}
		const { error } = attempt;
		if (!(error instanceof NodeApiError) || error.httpCode !== '409') throw error;
		// Created meanwhile by someone else: the shared list is out of date, ask again.
		const now = await listedIntegration(execution, itemIndex, organizationOemToken, { fresh: true }, isIt);
		if (!now) {
			error.message += ', but Integration: List shows no integration for this vendor; check the Vendor ID';
			throw error;
		}
		return await update(now);
	};

	// In line now, before the first await: writes for one vendor of one organization (on the item's
	// server) apply in input order.
	const line = JSON.stringify(['vendor', organizationOemToken, vendorId]);
	const server = async () => await execution.credentialKey(itemIndex);
	const { output } = await execution.writes.inOrder(line, server, createOrUpdate);
	return [output];
}
