import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { OemExecution } from '../../../shared/transport/execution';
import { listVendors } from '../../../shared/lists';
import { matchesFilters, vendorFiltersProperty, type VendorFilters } from '../../../shared/vendorFilter';
import { limitProperty, returnAllProperty } from '../descriptions';
import { readOptions } from '../readers';
import { applyLimit, withTemplate } from '../listing';

export const option = {
	name: 'List',
	description: 'List the vendors that can be added as integrations, with the credential keys each one needs',
	action: 'List vendors',
};

export const description: INodeProperties[] = [returnAllProperty, limitProperty, vendorFiltersProperty];

export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const filters = execution.parameter<VendorFilters>('filters', itemIndex, {});
	const vendors = await listVendors(execution, { itemIndex, settings: readOptions(execution, itemIndex), shared: true });
	const matching = vendors.filter((vendor) => matchesFilters(filters, vendor.name, vendor.integrationStatus, vendor.integrationType));
	return applyLimit(execution, itemIndex, matching).map(withTemplate);
}
