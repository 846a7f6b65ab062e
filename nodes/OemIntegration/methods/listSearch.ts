import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import type { Vendor } from '../../shared/schemas/answers';
import { OemExecution } from '../../shared/transport/execution';
import { listVendors } from '../../shared/lists';
import { listEditorIntegrations } from './editorIntegrations';

function matches(filter: string | undefined, ...texts: string[]) {
	const wanted = filter?.trim().toLowerCase();
	return !wanted || texts.some((text) => text.toLowerCase().includes(wanted));
}

/**
 * A vendor as the dropdown shows it: active vendors with credential-based integrations by name
 * alone; any other status or type said in the label, since such a vendor cannot be integrated
 * the usual way.
 */
function vendorLabel(vendor: Vendor): string {
	const notes: string[] = [];
	if (vendor.integrationStatus && vendor.integrationStatus !== 'active') notes.push(vendor.integrationStatus);
	if (vendor.integrationType && vendor.integrationType !== 'custom_hosted') notes.push(vendor.integrationType);
	return notes.length ? `${vendor.name} (${notes.join(', ')})` : vendor.name;
}

function vendorDescription(vendor: Vendor): string {
	return `Status: ${vendor.integrationStatus ?? 'unknown'} · Type: ${vendor.integrationType ?? 'unknown'} · ID ${vendor.id}`;
}

export async function searchVendors(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const vendors = await listVendors(new OemExecution(this));
	return {
		results: vendors
			.filter((vendor) => matches(filter, vendor.name, vendor.id))
			.map((vendor) => ({ name: vendorLabel(vendor), value: vendor.id, description: vendorDescription(vendor) }))
			.sort((a, b) => a.name.localeCompare(b.name)),
	};
}

export async function searchIntegrations(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	// One after the other: a rejected token then costs no vendor request.
	const execution = new OemExecution(this);
	const integrations = await listEditorIntegrations(execution);
	const vendors = await listVendors(execution);
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
