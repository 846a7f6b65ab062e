/**
 * n8n's credential test (run when a user saves the credential) goes through the credential
 * type's authenticate(), not through the node: a malformed Base URL must be refused there too,
 * before the client secret is sent anywhere, and a redirect must not be followed. Mirrors how
 * n8n runs a declarative credential test: a temporary node whose only property routes the test
 * request, run by RoutingNode, the result read with the credential's rules as n8n reads them.
 * The same checks through a real n8n's REST endpoint are in test/e2e/n8n.e2e.test.ts.
 */
import { ExecuteContext, RoutingNode } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { MspcOemApi } from '../../../credentials/MspcOemApi.credentials';
import { TestCredentialsHelper, TestNodeTypes } from '../../helpers/workflow';
import { SECRETS, deepText, NON_LOCAL_HTTP_HOST, secretsIn, useFaultSandbox } from './harness';

const h = useFaultSandbox();
const credentialType = new MspcOemApi();

/** A node context as n8n's credential test builds it, with our credential. */
function testContext(data: ICredentialDataDecryptedObject) {
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
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new TestNodeTypes({ temp: nodeType }) });
	const additionalData = { credentialsHelper: new TestCredentialsHelper(data), executionId: 'credential-test' } as unknown as IWorkflowExecuteAdditionalData;
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
	return { context, nodeType };
}

const rules = credentialType.test.rules ?? [];

/** n8n's credential test for our credential type: 'OK', or the error message n8n shows. */
async function credentialTest(data: ICredentialDataDecryptedObject): Promise<{ status: 'OK' | 'Error'; message: string }> {
	const { context, nodeType } = testContext(data);
	const credentials = { id: '1', name: 'test', type: credentialType.name, data };
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, nodeType, credentials).runNode();
	} catch (error) {
		const e = error as { message: string; cause?: { response?: { status: number }; code?: string } };
		if (e.cause?.response) {
			const { status } = e.cause.response;
			for (const rule of rules) {
				if (rule.type === 'responseCode' && rule.properties.value === status) return { status: 'Error', message: rule.properties.message };
			}
			return { status: 'Error', message: `Received HTTP status code: ${status}` };
		}
		return { status: 'Error', message: e.cause?.code ?? e.message };
	}
	const body = response?.[0]?.[0]?.json as Record<string, unknown> | undefined;
	for (const rule of rules) {
		if (rule.type === 'responseSuccessBody' && body?.[rule.properties.key] === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

const NOT_THE_API =
	"The credential's Base URL reached something that is not the MSPC OEM API (its answer has no vendor list): check that the credential's Base URL is your MSPCentric address";

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

test("a wrong client secret fails with the node's words for the API's 401", async () => {
	const result = await credentialTest({ ...data(h.sandbox.url), clientSecret: SECRETS.wrongClientSecret });
	expect(result).toEqual({
		status: 'Error',
		message: 'The client credentials were rejected (401): check the Client ID, Client Secret and Scope in the credential',
	});
});

test.each([
	['429 (the Alerts API shape)', { status: 429, body: { statusCode: 429, message: 'Too many requests' } }, 'The MSPC OEM API is rate limiting requests (429)'],
	['503', { status: 503, body: { status: 503, message: 'Unavailable' } }, 'The MSPC OEM API failed with a server error (503)'],
	['400', { status: 400, body: { status: 400, message: 'Bad request' } }, 'The MSPC OEM API rejected the request as malformed (400)'],
])("the API's own %s: the node's words", async (_name, fault, message) => {
	h.sandbox.injectNext(fault);
	expect(await credentialTest(data(h.sandbox.url))).toEqual({ status: 'Error', message });
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

describe('a redirect is never followed: its target receives nothing', () => {
	const redirect = (status: number) => ({ status, headers: { location: `${h.other.url}/api/oem-api/vendor` } });

	test.each([301, 302, 303, 307, 308])("n8n's credential test, redirected with %i", async (status) => {
		h.sandbox.injectNext(redirect(status));
		const result = await credentialTest(data(h.sandbox.url));
		expect(h.other.requests).toEqual([]);
		expect(h.sandbox.requests).toHaveLength(1);
		expect(result).toEqual({ status: 'Error', message: NOT_THE_API });
	});

	test.each([
		["n8n's HTTP Request node (its default: follow every redirect)", { followRedirect: true, followAllRedirects: true }],
		['a request that says nothing about redirects', {}],
	])('%s, with this credential', async (_name, options) => {
		h.sandbox.injectNext(redirect(307));
		const { context } = testContext(data(h.sandbox.url));
		const sent = context.helpers.requestWithAuthentication.call(context, credentialType.name, {
			uri: `${h.sandbox.url}/api/oem-api/vendor`,
			method: 'POST',
			body: {},
			json: true,
			...options,
		});
		await sent.catch(() => undefined);
		expect(h.other.requests).toEqual([]);
		expect(h.sandbox.requests).toHaveLength(1);
		await expect(sent).rejects.toMatchObject({ httpCode: '307' });
	});

	test("n8n's httpRequestWithAuthentication (what other nodes use), with this credential", async () => {
		h.sandbox.injectNext(redirect(308));
		const { context } = testContext(data(h.sandbox.url));
		const sent = context.helpers.httpRequestWithAuthentication.call(context, credentialType.name, {
			url: `${h.sandbox.url}/api/oem-api/vendor`,
			method: 'POST',
			body: {},
			json: true,
		});
		await sent.catch(() => undefined);
		expect(h.other.requests).toEqual([]);
		await expect(sent).rejects.toMatchObject({ httpCode: '308' });
	});
});

describe('a Base URL that reaches something other than the OEM API says so', () => {
	test.each([
		['404 with an HTML page', { status: 404, contentType: 'text/html', body: '<html><title>Error</title><pre>Cannot POST /api/oem-api/vendor</pre></html>' }],
		['405 with text', { status: 405, contentType: 'text/plain', body: 'Method Not Allowed' }],
		['401 with an empty body', { status: 401, action: 'empty' as const }],
		['200 with a web page', { status: 200, contentType: 'text/html', body: '<!doctype html><html><title>Sign in</title></html>' }],
		['200 with JSON of another shape', { status: 200, body: { ok: true } }],
	])('%s', async (_name, fault) => {
		h.sandbox.injectNext(fault);
		expect(await credentialTest(data(h.sandbox.url))).toEqual({ status: 'Error', message: NOT_THE_API });
	});
});
