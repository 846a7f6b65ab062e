import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { organizationOemTokenProperty } from '../../../shared/descriptions';
import type { OemExecution } from '../../../shared/transport/execution';
import { vendorIdProperty } from '../descriptions';
import { readOrganizationToken, readVendorId } from '../readers';
import { credentialValueProperties, readCredentialValues } from './credentialValues';
import { createIntegration } from './requests';

export const option = {
	name: 'Create',
	description: "Create an organization's integration with a vendor, storing the vendor credentials it needs",
	action: 'Create an integration',
};

export const description: INodeProperties[] = [organizationOemTokenProperty, vendorIdProperty, ...credentialValueProperties('create')];

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(execution, itemIndex);
	const vendorId = readVendorId(execution, itemIndex);
	const integrationCredentials = readCredentialValues(execution, itemIndex);
	const integration = await createIntegration(execution, itemIndex, {
		organizationOemToken,
		vendorId,
		integrationCredentials,
		hints: {
			404: 'no vendor with this ID exists; pick one from Vendor: List',
			409: 'this organization already has an integration for this vendor; use Integration: Update with its ID (from Integration: List) to change its credentials, or Integration: Create or Update',
		},
	});
	return [integration];
}
