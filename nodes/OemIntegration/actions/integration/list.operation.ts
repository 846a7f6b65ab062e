import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OemExecution } from '../../transport/execution';
import { vendorListSchema } from '../../schemas';
import { oemApiRequest } from '../../transport/request';
import { limitProperty, organizationOemTokenProperty, returnAllProperty } from '../descriptions';
import { readOptions, readOrganizationToken } from '../readers';
import { applyLimit, withTemplate } from '../listing';
import { listIntegrations } from './requests';

export const option = {
	name: 'List',
	description: "List an organization's integrations, with each vendor's name and the credential keys each one uses",
	action: 'List integrations',
};

export const description: INodeProperties[] = [organizationOemTokenProperty, returnAllProperty, limitProperty];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const organizationOemToken = readOrganizationToken(this, itemIndex);
	// The integrations first: a rejected token then costs no vendor request.
	const integrations = applyLimit(this, itemIndex, await listIntegrations(execution, itemIndex, organizationOemToken));
	if (integrations.length === 0) return [];
	// The same shared request as Vendor: List's, so all items of an execution get one vendor list.
	const { vendors } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['vendor'],
		schema: vendorListSchema,
		action: 'list the vendors (for the vendor names)',
		idempotent: true,
		shareAcrossItems: true,
		itemIndex,
		settings: readOptions(this, itemIndex),
	});
	const names = new Map(vendors.map((vendor) => [vendor.id, vendor.name]));
	return integrations.map((integration) => {
		const { id, vendorId, ...rest } = withTemplate(integration);
		const vendorName = names.get(integration.vendorId);
		return { id, vendorId, ...(vendorName === undefined ? {} : { vendorName }), ...rest };
	});
}
