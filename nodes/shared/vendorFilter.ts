/**
 * The Vendor: List filters: the property both nodes show (the action's Vendor: List, the
 * trigger's vendor events) and the one test that decides whether a vendor matches them, so the
 * trigger reports exactly the vendors Vendor: List would list.
 */
import type { INodeProperties } from 'n8n-workflow';

export interface VendorFilters {
	integrationStatus?: string;
	integrationType?: string;
	nameContains?: string;
}

export const vendorFiltersProperty: INodeProperties = {
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
};

/** The Name Contains text as compared (trimmed, lower case), or undefined when there is none. */
export const nameFilterOf = (filters: VendorFilters) => filters.nameContains?.trim().toLowerCase() || undefined;

export function matchesName(filters: VendorFilters, name: string): boolean {
	const nameContains = nameFilterOf(filters);
	return !nameContains || name.toLowerCase().includes(nameContains);
}

export function matchesStatusAndType(
	filters: VendorFilters,
	status: string | null | undefined,
	type: string | null | undefined,
): boolean {
	return (
		(!filters.integrationStatus || status === filters.integrationStatus) &&
		(!filters.integrationType || type === filters.integrationType)
	);
}

/** Whether a vendor with this name, status and type passes the filters. */
export function matchesFilters(
	filters: VendorFilters,
	name: string,
	status: string | null | undefined,
	type: string | null | undefined,
): boolean {
	return matchesStatusAndType(filters, status, type) && matchesName(filters, name);
}
