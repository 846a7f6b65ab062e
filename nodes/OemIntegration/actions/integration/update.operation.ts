import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OemExecution } from '../../transport/execution';
import { idLocatorProperty, organizationOemTokenProperty } from '../descriptions';
import { readOrganizationToken, requireText } from '../readers';
import { credentialValueProperties, readCredentialValues } from './credentialValues';
import { updateIntegration } from './requests';

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
	this: IExecuteFunctions,
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(this, itemIndex);
	const integrationId = requireText(
		this,
		'integrationId',
		'Integration',
		itemIndex,
		'Pick an integration from the list, or give its ID (the id field of Integration: List or Create).',
	);
	const integrationCredentials = readCredentialValues(this, itemIndex);
	const integration = await updateIntegration(execution, itemIndex, {
		organizationOemToken,
		integrationId,
		integrationCredentials,
		hints: { 404: 'no integration with this ID exists in the organization; check it with Integration: List' },
	});
	return [integration];
}
