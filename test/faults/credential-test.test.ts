/**
 * n8n's credential test (run when a user saves the credential) goes through the credential
 * type's authenticate(), not through the node: a malformed Base URL must be refused there too,
 * before the client secret is sent anywhere. Mirrors how n8n runs a declarative credential
 * test: a temporary node whose only property routes the test request, run by RoutingNode.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import {
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeType,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { MspcOemApi } from '../../credentials/MspcOemApi.credentials';
import { TestCredentialsHelper } from '../helpers/workflow';
import { SECRETS, deepText, NON_LOCAL_HTTP_HOST, secretsIn, useFaultSandbox } from './harness';

const h = useFaultSandbox();
const credentialType = new MspcOemApi();

/** n8n's credential test for our credential type: 'OK', or the error message n8n shows. */
async function credentialTest(data: ICredentialDataDecryptedObject): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const nodeType: INodeType = {
		description: {
			displayName: 'Temp',
			name: 'temp',
			group: [],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: credentialType.name, required: true }],
			properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: credentialType.test.request } }],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'temp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [credentialType.name]: { id: '1', name: 'test' } },
	};
	const nodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => NodeHelpers.getVersionedNodeType(nodeType, 1),
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = { credentialsHelper: new TestCredentialsHelper({}), executionId: 'credential-test' } as unknown as IWorkflowExecuteAdditionalData;
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		{ resultData: { runData: {} } } as never,
		0,
		[],
		{ main: [[{ json: {} }]] },
		{ node, data: {}, source: null },
		[],
	);
	const credentials = { id: '1', name: 'test', type: credentialType.name, data };
	try {
		await new RoutingNode(context, nodeType, credentials).runNode();
		return { status: 'OK', message: 'Connection successful!' };
	} catch (error) {
		const e = error as { message: string; cause?: { response?: { status: number }; code?: string } };
		if (e.cause?.response) return { status: 'Error', message: `Received HTTP status code: ${e.cause.response.status}` };
		return { status: 'Error', message: e.cause?.code ?? e.message };
	}
}

const data = (baseUrl: string): ICredentialDataDecryptedObject => ({
	baseUrl,
	clientId: h.sandbox.credentials.clientId,
	clientSecret: SECRETS.clientSecret,
	scope: 'vendor_manage',
});

test('a good Base URL passes, the secret going to the sandbox only', async () => {
	expect(await credentialTest(data(`${h.sandbox.url}/`))).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(h.sandbox.requests).toHaveLength(1);
	expect(h.sandbox.requests[0].body).toMatchObject({ clientSecret: SECRETS.clientSecret, grantType: 'client_credentials' });
});

test('spaces and trailing slashes around the Base URL are fine', async () => {
	expect(await credentialTest(data(`  ${h.sandbox.url}// `))).toEqual({ status: 'OK', message: 'Connection successful!' });
	expect(h.sandbox.requests.map((r) => r.path)).toEqual(['/api/oem-api/vendor']);
});

test('a wrong client secret fails with the API status', async () => {
	const result = await credentialTest({ ...data(h.sandbox.url), clientSecret: SECRETS.wrongClientSecret });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/Authorization failed - please check your credentials|401/);
});

test.each([
	['http:// to a host not named as localhost', (port: number) => `http://${NON_LOCAL_HTTP_HOST}:${port}`, 'must start with https://, not http://'],
	['a path', (port: number) => `http://127.0.0.1:${port}/api`, 'must be the bare address without a path'],
	['no scheme', (port: number) => `127.0.0.1:${port}`, 'is not a full address: it must start with https://'],
	['a login', (port: number) => `http://user:pw@127.0.0.1:${port}`, 'must not contain a user name or password'],
])('%s: refused before anything is sent', async (_name, url, text) => {
	const result = await credentialTest(data(url(h.other.port)));
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(/^The credential's Base URL /);
	expect(result.message).toContain(text);
	expect(result.message).toContain('Nothing was sent');
	expect(h.other.requests).toHaveLength(0);
	expect(secretsIn(deepText(result))).toEqual([]);
});
