/**
 * The workflows the benchmarks import into n8n, and the credential records their nodes use: this
 * node's Integration: Update and Vendor: List, and the HTTP Request node (with Split Out) doing
 * the same by hand.
 */
import type { RunningSandbox } from '../sandbox';
import { CREDENTIAL_TYPE, NODE_TYPE } from '../scripts/lib/n8n';
import { BULK_TOKEN } from '../scripts/lib/fixtures';

/** Where a sandbox answers and the client credentials it accepts. */
export type SandboxAccess = Pick<RunningSandbox, 'url' | 'credentials'>;

type Node = Record<string, unknown>;

/** A workflow of nodes connected one after another, in order. */
export function linear(id: string, nodes: Node[]) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < nodes.length - 1; i++) connections[nodes[i].name as string] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name: `bench ${id}`, active: false, settings: { executionOrder: 'v1' }, nodes, connections };
}

const manualTrigger = { id: 'b0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

/** A workflow run by `n8n execute`: a manual trigger, then `nodes` in order. */
export const chain = (id: string, nodes: Node[]) =>
	linear(id, [manualTrigger, ...nodes.map((node, i) => ({ id: `b0000000-0000-4000-8000-00000000010${i}`, position: [220 * (i + 1), 0], ...node }))]);

/** A node's reference to the credential imported under `id` (credentialRecord). */
export const credential = (id: string) => ({ [CREDENTIAL_TYPE]: { id, name: id } });

/** The credential n8n imports under `id`, for a sandbox. */
export const credentialRecord = (id: string, sandbox: SandboxAccess) => ({ id, name: id, type: CREDENTIAL_TYPE, data: { baseUrl: sandbox.url, ...sandbox.credentials } });

/** How Integration: Update takes the new credential values: the node's Credentials Mode. */
export type CredentialsMode = 'keyValue' | 'json' | 'template';

/**
 * A Code node emitting the Integration: Update items (same shape as the throughput tests'
 * `updateItem`). For Vendor Template (Map Automatically) the values carry the template's own key
 * names (`api key`, `api username`) instead of `key` and `user`: the same data.
 */
export const updateItems = (count: number, mode: CredentialsMode = 'keyValue') => {
	const [key, user] = mode === 'template' ? ["'api key'", "'api username'"] : ['key', 'user'];
	return {
		name: 'Items',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { id: 'bulk-int-' + String(i).padStart(5, '0'), ${key}: 'rotated-key-' + i, ${user}: 'rotated-user-' + i } }));`,
		},
	};
};

/** Each mode's parameters: the number of expressions is what the modes compare. */
const credentialsParameters: Record<CredentialsMode, Node> = {
	// Key/Value Pairs: three expressions (the id, two values).
	keyValue: { credentialValues: { values: [{ key: 'api key', value: '={{ $json.key }}' }, { key: 'api username', value: '={{ $json.user }}' }] } },
	// JSON: the same two expressions as the HTTP Request node's (the id, and one for the whole body).
	json: { credentialsJson: "={{ JSON.stringify({ 'api key': $json.key, 'api username': $json.user }) }}" },
	// The README's bulk-update setting: Vendor Template mapped automatically from the input fields; one expression (the id).
	template: {
		credentialFields: {
			mappingMode: 'autoMapInputData',
			value: null,
			matchingColumns: [],
			schema: ['api key', 'api username'].map((id) => ({ id, displayName: id, type: 'string', required: false, defaultMatch: false, display: true, canBeUsedToMatch: false })),
		},
	},
};

/** This node's Integration: Update of the items' integrations, in one Credentials Mode. */
export const ourUpdate = (credentialId: string, mode: CredentialsMode, options: Node) => ({
	name: 'Ours',
	type: NODE_TYPE,
	typeVersion: 1,
	credentials: credential(credentialId),
	parameters: {
		resource: 'integration',
		operation: 'update',
		organizationOemToken: BULK_TOKEN,
		integrationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		credentialsMode: mode,
		...credentialsParameters[mode],
		options,
	},
});

/**
 * The HTTP Request node sends the client credentials in its JSON body itself (authentication
 * "None"): the same bodies as our node sends. See RESULTS.md for why not through our credential.
 */
const authFields = (sandbox: SandboxAccess) => JSON.stringify({ ...sandbox.credentials, grantType: 'client_credentials' }).slice(1, -1);

export const httpUpdate = (sandbox: SandboxAccess, options: Node) => ({
	name: 'HTTP',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'PATCH',
		url: `={{ '${sandbox.url}/api/oem-api/integration/' + $json.id }}`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `={{ JSON.stringify({ ${authFields(sandbox)}, organizationOemToken: '${BULK_TOKEN}', data: { integrationCredentials: { 'api key': $json.key, 'api username': $json.user } } }) }}`,
		options,
	},
});

export const ourVendors = (credentialId: string) => ({
	name: 'Ours',
	type: NODE_TYPE,
	typeVersion: 1,
	credentials: credential(credentialId),
	parameters: { resource: 'vendor', operation: 'list', returnAll: true },
});

export const httpVendors = (sandbox: SandboxAccess) => ({
	name: 'HTTP',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url: `${sandbox.url}/api/oem-api/vendor`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `{${authFields(sandbox)}}`,
		options: {},
	},
});

export const splitOut = { name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'vendors', options: {} } };

export const noOp = (name: string) => ({ name, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} });
