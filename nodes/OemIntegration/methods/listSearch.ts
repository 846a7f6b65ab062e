import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { OemExecution } from '../transport/execution';
import { fetchIntegrations, fetchVendors } from './catalogue';

function matches(filter: string | undefined, ...texts: string[]) {
	const wanted = filter?.trim().toLowerCase();
	return !wanted || texts.some((text) => text.toLowerCase().includes(wanted));
}

export async function searchVendors(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const vendors = await fetchVendors(new OemExecution(this));
	return {
		results: vendors
			.filter((vendor) => matches(filter, vendor.name, vendor.id))
			.map((vendor) => ({ name: vendor.name, value: vendor.id }))
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}

export async function searchIntegrations(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	// One after the other: a rejected token then costs no vendor request.
	const execution = new OemExecution(this);
	const integrations = await fetchIntegrations(execution);
	const vendors = await fetchVendors(execution);
	const vendorNames = new Map(vendors.map((vendor) => [vendor.id, vendor.name]));
	return {
		results: integrations
			.map((integration) => {
				const vendorName = vendorNames.get(integration.vendorId) ?? `Vendor ${integration.vendorId}`;
				return { name: `${vendorName} (${integration.id})`, value: integration.id };
			})
			.filter((result) => matches(filter, result.name)),
	};
}
