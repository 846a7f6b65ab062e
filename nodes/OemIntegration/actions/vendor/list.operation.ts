import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { withTemplate } from '../../../shared/listItems';
import { listVendors } from '../../../shared/lists';
import type { OemExecution } from '../../../shared/transport/execution';
import { limitProperty, returnAllProperty } from '../descriptions';
import { applyLimit, readOptions } from '../readers';

export const option = {
	name: 'List',
	description: 'List the vendors that can be added as integrations, with the credential keys each one needs',
	action: 'List vendors',
};

export const description: INodeProperties[] = [
	returnAllProperty,
	limitProperty,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Integration Status',
				name: 'integrationStatus',
				type: 'options',
				options: [
					{ name: 'Active', value: 'active' },
					{ name: 'Inactive', value: 'inactive' },
					{ name: 'Mapping', value: 'mapping' },
					{ name: 'Pending', value: 'pending' },
				],
				default: 'active',
				description: 'Only vendors whose integration status is this',
			},
			{
				displayName: 'Integration Type',
				name: 'integrationType',
				type: 'options',
				options: [
					{ name: 'Custom Hosted', value: 'custom_hosted' },
					{ name: 'External', value: 'external' },
				],
				default: 'custom_hosted',
				description: 'Only vendors offering this kind of integration',
			},
			{
				displayName: 'Name Contains',
				name: 'nameContains',
				type: 'string',
				default: '',
				description: 'Only vendors whose name contains this text (not case-sensitive)',
			},
		],
	},
];

interface VendorFilters {
	integrationStatus?: string;
	integrationType?: string;
	nameContains?: string;
}

export async function execute(
	itemIndex: number,
	execution: OemExecution<IExecuteFunctions>,
): Promise<IDataObject[]> {
	const filters = execution.parameter<VendorFilters>('filters', itemIndex, {});
	const vendors = await listVendors(execution, { itemIndex, settings: readOptions(execution, itemIndex), shared: true });
	const nameContains = filters.nameContains?.trim().toLowerCase();
	const matching = vendors.filter(
		(vendor) =>
			(!filters.integrationStatus || vendor.integrationStatus === filters.integrationStatus) &&
			(!filters.integrationType || vendor.integrationType === filters.integrationType) &&
			(!nameContains || vendor.name.toLowerCase().includes(nameContains)),
	);
	return applyLimit(execution, itemIndex, matching).map(withTemplate);
}
