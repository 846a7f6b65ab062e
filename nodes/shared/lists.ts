/**
 * The two list requests, as the operations, the editor's dropdowns and the trigger all send them,
 * so each is worded, validated and shared in one place.
 */
import type { Integration, Vendor } from './schemas/answers';
import { integrationListSchema, vendorListSchema } from './schemas/leanLists';
import type { OemExecution } from './transport/execution';
import { oemApiRequest } from './transport/request';
import type { RequestSettings } from './transport/settings';

interface ListOptions {
	itemIndex?: number;
	settings?: RequestSettings;
	/** Items of one execution asking the same get one answer; off where a fresh answer is needed. */
	shared?: boolean;
	/** What the request is for, in messages: "list the vendors" unless said otherwise. */
	action?: string;
}

/** The request fields both lists take from the caller's options: a list is always safe to retry. */
function listRequestFields(options: ListOptions, action: string) {
	return {
		action: options.action ?? action,
		idempotent: true,
		shareAcrossItems: options.shared,
		itemIndex: options.itemIndex,
		settings: options.settings,
	};
}

export async function listVendors(execution: OemExecution, options: ListOptions = {}): Promise<Vendor[]> {
	const { vendors } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['vendor'],
		schema: vendorListSchema,
		...listRequestFields(options, 'list the vendors'),
	});
	return vendors;
}

export async function listIntegrations(
	execution: OemExecution,
	organizationOemToken: string,
	options: ListOptions = {},
): Promise<Integration[]> {
	const { integrations } = await oemApiRequest(execution, {
		method: 'POST',
		path: ['integration', 'list'],
		body: { organizationOemToken },
		schema: integrationListSchema,
		...listRequestFields(options, "list the organization's integrations"),
	});
	return integrations;
}
