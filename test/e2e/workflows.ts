/** Workflows and credentials the end-to-end tests import into a real n8n. */
import { CREDENTIAL_TYPE, NODE_TYPE, type CredentialFixture } from './harness';

export interface SandboxLike {
	url: string;
	credentials: { clientId: string; clientSecret: string; scope: string };
}

export const GOOD_CREDENTIAL_ID = 'e2eOemGood';
export const BAD_CREDENTIAL_ID = 'e2eOemBadSecret';
export const WRONG_SECRET = 'wrong-secret-e2e-1234567890';

export function oemCredentials(sandbox: SandboxLike): CredentialFixture[] {
	const base = { baseUrl: sandbox.url, clientId: sandbox.credentials.clientId, scope: sandbox.credentials.scope };
	return [
		{
			id: GOOD_CREDENTIAL_ID,
			name: 'MSPC OEM Sandbox',
			type: CREDENTIAL_TYPE,
			data: { ...base, clientSecret: sandbox.credentials.clientSecret },
		},
		{
			id: BAD_CREDENTIAL_ID,
			name: 'MSPC OEM Sandbox (wrong secret)',
			type: CREDENTIAL_TYPE,
			data: { ...base, clientSecret: WRONG_SECRET },
		},
	];
}

const manualTrigger = {
	id: '0b8f9a52-4c7e-4a53-9a77-4f1e1d2a0001',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function workflow(id: string, name: string, node: Record<string, unknown>) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [manualTrigger, { id: '0b8f9a52-4c7e-4a53-9a77-4f1e1d2a0002', position: [220, 0], ...node }],
		connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
	};
}

/**
 * n8n's own HTTP Request node calling the sandbox with our credential type as a predefined
 * credential: n8n runs our `authenticate`, so no secret appears in the workflow.
 */
export function httpVendorsWorkflow(sandbox: SandboxLike, credentialId = GOOD_CREDENTIAL_ID) {
	return workflow(credentialId === GOOD_CREDENTIAL_ID ? 'e2eHttpVendors' : 'e2eHttpVendorsBad', 'E2E HTTP vendors', {
		name: 'Vendors',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${sandbox.url}/api/oem-api/vendor`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: CREDENTIAL_TYPE,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '{}',
			options: {},
		},
		credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: 'MSPC OEM Sandbox' } },
	});
}

/** Our node: Vendor → List. */
export function nodeVendorsWorkflow(credentialId = GOOD_CREDENTIAL_ID) {
	return workflow(credentialId === GOOD_CREDENTIAL_ID ? 'e2eNodeVendors' : 'e2eNodeVendorsBad', 'E2E node vendors', {
		name: 'MSPC OEM',
		type: NODE_TYPE,
		typeVersion: 1,
		parameters: { resource: 'vendor', operation: 'list', returnAll: true },
		credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: 'MSPC OEM Sandbox' } },
	});
}
