import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { organizationOemTokenProperty } from '../../../shared/descriptions';
import type { OemExecution } from '../../../shared/transport/execution';
import { idLocatorProperty } from '../descriptions';
import { readOrganizationToken, requireText } from '../readers';
import { credentialValueProperties, readCredentialValues } from './credentialValues';
import { updateIntegration } from './requests';
import { afterWrite, currentIntegration, keepStoredKeys, refuseExternal, removalAllowed, type IntegrationWrite } from './storedKeys';

export const option = {
	name: 'Update',
	description: "Replace the stored vendor credentials of an organization's existing integration",
	action: 'Update an integration',
};

export const description: INodeProperties[] = [
	organizationOemTokenProperty,
	idLocatorProperty({
		name: 'integrationId',
		displayName: 'Integration',
		description:
			'The integration whose credentials to replace: its ID, as returned by Integration: Create or Integration: List',
		searchListMethod: 'searchIntegrations',
		listPlaceholder: 'Select an integration...',
		idPlaceholder: 'e.g. 67ae3bcff05cb32e0cb6d9b7',
	}),
	...credentialValueProperties('update'),
];

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(execution, itemIndex);
	const integrationId = requireText(
		execution,
		'integrationId',
		'Integration',
		itemIndex,
		'Pick an integration from the list, or give its ID (the id field of Integration: List or Create).',
	);
	const integrationCredentials = readCredentialValues(execution, itemIndex);
	const checked = !removalAllowed(execution, itemIndex);
	// In line now, before the first await: writes to one integration (on the item's server) apply in input order.
	const line = JSON.stringify(['integration', organizationOemToken, integrationId]);
	const server = async () => await execution.credentialKey(itemIndex);
	const { output } = await execution.writes.inOrder<IntegrationWrite>(line, server, async (previous) => {
		const stored = checked
			? await currentIntegration(execution, itemIndex, organizationOemToken, previous, (entry) => entry.id === integrationId)
			: undefined;
		if (checked && !stored) {
			throw new NodeOperationError(execution.node, 'Could not update the integration: Integration: List shows no integration with this ID in the organization', {
				itemIndex,
				description: "Pick the integration from the list, or give the id field of Integration: List for this item's organization. Nothing was sent.",
			});
		}
		// With Allow Removing Stored Keys on, no list is read (one request fewer, as the README
		// says), so an external integration is not recognised then: the API's answer decides.
		if (stored) {
			refuseExternal(execution.ctx, itemIndex, stored, 'Leave this integration out.');
			keepStoredKeys(execution.ctx, itemIndex, stored.keys, integrationCredentials);
		}
		const integration = await updateIntegration(execution, itemIndex, {
			organizationOemToken,
			integrationId,
			integrationCredentials,
			hints: { 404: 'no integration with this ID exists in the organization; check it with Integration: List' },
		});
		const known = stored ?? { id: integrationId, vendorId: String(integration.vendorId ?? ''), external: false, keys: [] };
		return { output: integration, stored: afterWrite(known, integrationCredentials) };
	});
	return [output];
}
