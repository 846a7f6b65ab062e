import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { integrationMutationSchema } from '../../schemas';
import type { OemExecution } from '../../transport/execution';
import { oemApiRequest } from '../../transport/request';
import { idLocatorProperty, organizationOemTokenProperty } from '../descriptions';
import { readOptions, readOrganizationToken, requireText } from '../readers';
import { credentialValueProperties, readCredentialValues } from './credentialValues';

export const option = {
	name: 'Create',
	description: "Create an organization's integration with a vendor, storing the vendor credentials it needs",
	action: 'Create an integration',
};

export const description: INodeProperties[] = [
	organizationOemTokenProperty,
	idLocatorProperty({
		name: 'vendorId',
		displayName: 'Vendor',
		description: 'The vendor to integrate, as listed by Vendor: List (its ID)',
		searchListMethod: 'searchVendors',
		listPlaceholder: 'Select a vendor...',
		idPlaceholder: 'e.g. 43211235',
	}),
	...credentialValueProperties('create'),
];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	execution: OemExecution,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(this, itemIndex);
	const vendorId = requireText(
		this,
		'vendorId',
		'Vendor',
		itemIndex,
		'Pick a vendor from the list, or give its ID (the id field of Vendor: List).',
	);
	const integrationCredentials = readCredentialValues(this, itemIndex);
	const { integration } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['integration'],
		body: { organizationOemToken, data: { vendorId, integrationCredentials } },
		schema: integrationMutationSchema,
		action: 'create the integration',
		idempotent: false,
		hints: {
			404: 'no vendor with this ID exists; pick one from Vendor: List',
			409: 'this organization already has an integration for this vendor; use Integration: Update with its ID (from Integration: List) to change its credentials',
		},
		itemIndex,
		settings: readOptions(this, itemIndex),
	});
	return [integration as IDataObject];
}
