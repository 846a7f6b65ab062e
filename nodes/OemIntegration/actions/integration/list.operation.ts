import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { organizationOemTokenProperty } from '../../../shared/descriptions';
import { withTemplate } from '../../../shared/listItems';
import { listIntegrations, listVendors } from '../../../shared/lists';
import type { OemExecution } from '../../../shared/transport/execution';
import { limitProperty, returnAllProperty } from '../descriptions';
import { applyLimit, readOptions, readOrganizationToken } from '../readers';

export const option = {
	name: 'List',
	description: "List an organization's integrations, with each vendor's name and the credential keys each one uses",
	action: 'List integrations',
};

export const description: INodeProperties[] = [organizationOemTokenProperty, returnAllProperty, limitProperty];

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(execution, itemIndex);
	const settings = readOptions(execution, itemIndex);
	// The integrations first: a rejected token then costs no vendor request.
	const all = await listIntegrations(execution, organizationOemToken, { itemIndex, settings, shared: true });
	const integrations = applyLimit(execution, itemIndex, all);
	if (integrations.length === 0) return [];
	// The same shared request as Vendor: List's, so all items of an execution get one vendor list.
	const vendors = await listVendors(execution, { action: 'list the vendors (for the vendor names)', itemIndex, settings, shared: true });
	const names = new Map(vendors.map((vendor) => [vendor.id, vendor.name]));
	return integrations.map((integration) => {
		const { id, vendorId, ...rest } = withTemplate(integration);
		const vendorName = names.get(integration.vendorId);
		return { id, vendorId, ...(vendorName === undefined ? {} : { vendorName }), ...rest };
	});
}
