/**
 * What the queue-mode test imports: the sandbox credential, a sandbox seed with one organization
 * owning many integrations (one per request, so every execution's effect can be checked on its
 * own), and a webhook workflow that runs our node and answers with its output.
 */
import { DEFAULT_SEED, type SandboxSeed } from '../../sandbox';
import { CREDENTIAL_TYPE, NODE_TYPE, type CredentialFixture } from '../../scripts/lib/n8n';

export const CREDENTIAL_ID = 'queueOemSandbox';
export const WORKFLOW_ID = 'queueWebhookUpd';
export const WEBHOOK_PATH = 'mspc-queue-update';
export const ORGANIZATION_TOKEN = 'queue-org-oem-token';

/** Integration `q-<n>` of the queue organization, one vendor each (one integration per vendor). */
export const integrationId = (n: number) => `q-${String(n).padStart(3, '0')}`;

export function queueSeed(integrations: number): SandboxSeed {
	const vendors = Array.from({ length: integrations }, (_, i) => ({
		id: `9${String(i + 1).padStart(5, '0')}`,
		name: `Queue Vendor ${i + 1}`,
		integrationStatus: 'active',
		integrationType: 'custom_hosted',
		integrationCredentialTemplate: { 'api key': '' },
	}));
	return {
		vendors: [...DEFAULT_SEED.vendors, ...vendors],
		organizations: [
			{
				name: 'Queue MSP',
				email: 'owner@queue.example',
				organizationOemToken: ORGANIZATION_TOKEN,
				integrations: vendors.map((v, i) => ({
					id: integrationId(i + 1),
					vendorId: v.id,
					integrationCredentials: { 'api key': 'initial' },
				})),
			},
		],
	};
}

export function credential(sandbox: { url: string; credentials: Record<string, string> }): CredentialFixture {
	return {
		id: CREDENTIAL_ID,
		name: 'MSPC OEM Sandbox (queue)',
		type: CREDENTIAL_TYPE,
		data: { baseUrl: sandbox.url, ...sandbox.credentials },
	};
}

/**
 * POST /webhook/mspc-queue-update {integration, apiKey} → Integration: Update of that integration
 * with that key; n8n answers with the node's first output item ({id, vendorId}).
 */
export function webhookWorkflow() {
	return {
		id: WORKFLOW_ID,
		name: 'Queue mode: webhook → Integration: Update',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: '6a0c1f00-0000-4000-8000-000000000001',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '6a0c1f00-0000-4000-8000-0000000000ff',
				parameters: { httpMethod: 'POST', path: WEBHOOK_PATH, responseMode: 'lastNode', options: {} },
			},
			{
				id: '6a0c1f00-0000-4000-8000-000000000002',
				name: 'Update integration',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'integration',
					operation: 'update',
					organizationOemToken: ORGANIZATION_TOKEN,
					integrationId: { __rl: true, mode: 'id', value: '={{ $json.body.integration }}' },
					credentialsMode: 'keyValue',
					credentialValues: { values: [{ key: 'api key', value: '={{ $json.body.apiKey }}' }] },
					options: {},
				},
				credentials: { [CREDENTIAL_TYPE]: { id: CREDENTIAL_ID, name: 'MSPC OEM Sandbox (queue)' } },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Update integration', type: 'main', index: 0 }]] } },
	};
}
