import type { ILoadOptionsFunctions, ResourceMapperField, ResourceMapperFields } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { OemExecution } from '../../shared/transport/execution';
import { listVendors } from '../../shared/lists';
import { listEditorIntegrations } from './editorIntegrations';

function selectedId(ctx: ILoadOptionsFunctions, name: string): string {
	const value = ctx.getNodeParameter(name, '', { extractValue: true }) as unknown;
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

/**
 * The vendor comes from an expression (as in an AI tool, where the model picks it): its template
 * is unknown while editing, so the fields cannot be listed.
 */
const VENDOR_BY_EXPRESSION =
	'The vendor is set by an expression (or chosen by the AI model), so its template cannot be loaded while editing: set Credentials Input to JSON (or Key/Value Pairs) instead';

function isExpression(value: unknown): boolean {
	const raw = value && typeof value === 'object' ? (value as { value?: unknown }).value : value;
	return typeof raw === 'string' && raw.startsWith('=');
}

function field(key: string): ResourceMapperField {
	return { id: key, displayName: key, type: 'string', required: false, defaultMatch: false, display: true };
}

/**
 * The credential fields of the chosen vendor's template (on update: the integration's vendor),
 * keys exactly as the API spells them. On update the integration's own keys are added too: the
 * API's examples show that they can differ from the vendor template's ('api user' / 'api username').
 */
export async function getCredentialFields(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const operation = this.getNodeParameter('operation', 'create') as string;
	const execution = new OemExecution(this);
	const keys = new Set<string>();
	let vendorId: string;
	if (operation === 'update') {
		const integrationId = selectedId(this, 'integrationId');
		if (!integrationId) return { fields: [], emptyFieldsNotice: 'Select an integration first' };
		const integration = (await listEditorIntegrations(execution)).find((entry) => entry.id === integrationId);
		if (!integration) {
			throw new NodeOperationError(this.getNode(), `No integration with ID "${integrationId}" in this organization`);
		}
		vendorId = integration.vendorId;
		Object.keys(integration.integrationCredentialTemplate).forEach((key) => keys.add(key));
	} else {
		if (isExpression(this.getCurrentNodeParameter('vendorId'))) return { fields: [], emptyFieldsNotice: VENDOR_BY_EXPRESSION };
		vendorId = selectedId(this, 'vendorId');
		if (!vendorId) return { fields: [], emptyFieldsNotice: 'Select a vendor first' };
	}
	const vendor = (await listVendors(execution)).find((entry) => entry.id === vendorId);
	if (!vendor && operation !== 'update') {
		throw new NodeOperationError(this.getNode(), `No vendor with ID "${vendorId}" in the vendor catalogue`, {
			description: 'Pick a vendor from the list, or give an ID from Vendor: List.',
		});
	}
	const vendorKeys = vendor ? Object.keys(vendor.integrationCredentialTemplate) : [];
	const ordered = [...vendorKeys, ...[...keys].filter((key) => !vendorKeys.includes(key))];
	if (ordered.length === 0) {
		return {
			fields: [],
			emptyFieldsNotice: 'This vendor has no credential template: use Key/Value Pairs or JSON instead',
		};
	}
	return { fields: ordered.map(field) };
}
