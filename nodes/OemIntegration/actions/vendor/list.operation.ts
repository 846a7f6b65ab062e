import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { withTemplate } from '../../../shared/listItems';
import { listVendors } from '../../../shared/lists';
import type { OemExecution } from '../../../shared/transport/execution';
import { matchesFilters, vendorFiltersProperty, type VendorFilters } from '../../../shared/vendorFilter';
import { limitProperty, returnAllProperty } from '../descriptions';
import { applyLimit, readOptions } from '../readers';

export const option = {
	name: 'List',
	description: 'List the vendors that can be added as integrations, with the credential keys each one needs',
	action: 'List vendors',
};

export const description: INodeProperties[] = [returnAllProperty, limitProperty, vendorFiltersProperty];

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const filters = execution.parameter<VendorFilters>('filters', itemIndex, {});
	const vendors = await listVendors(execution, { itemIndex, settings: readOptions(execution, itemIndex), shared: true });
	const matching = vendors.filter((vendor) => matchesFilters(filters, vendor.name, vendor.integrationStatus, vendor.integrationType));
	return applyLimit(execution, itemIndex, matching).map(withTemplate);
}
