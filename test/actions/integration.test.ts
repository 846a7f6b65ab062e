import { OTHER_ORGANIZATION_INTEGRATION_ID, OTHER_ORGANIZATION_TOKEN } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { byId, templateFields } from '../helpers/parameters';
import { findSecrets, serialiseDeep } from '../helpers/secrets';
import { runNode } from '../helpers/workflow';

const env = useSandbox();

const TOKEN = 'demo-org-oem-token';
function lastBody() {
	const request = env.sandbox.requests.at(-1)!;
	return { request, body: JSON.parse(request.rawBody) as Record<string, unknown> };
}

function integrationsOf(token: string) {
	const state = env.sandbox.state();
	const organization = state.organizations.find((org) => org.organizationOemToken === token)!;
	return state.integrations.filter((entry) => entry.organizationId === organization.id);
}

const auth = () => ({
	clientId: env.credentials.clientId,
	clientSecret: env.credentials.clientSecret,
	grantType: 'client_credentials',
	scope: 'vendor_manage',
});

describe('Integration: Create', () => {
	it('template mode sends the vendor template keys verbatim and returns only the integration', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: TOKEN,
				vendorId: { __rl: true, mode: 'list', value: '43211235' },
				credentialsMode: 'template',
				credentialFields: templateFields({ 'api key': 'key-Vx81-secret', 'api username': 'svc-northwind' }),
			},
		});

		const { request, body } = lastBody();
		expect(request.method).toBe('POST');
		expect(request.path).toBe('/api/oem-api/integration');
		expect(body).toEqual({
			...auth(),
			organizationOemToken: TOKEN,
			data: { vendorId: '43211235', integrationCredentials: { 'api key': 'key-Vx81-secret', 'api username': 'svc-northwind' } },
		});
		const [created] = integrationsOf(TOKEN);
		expect(created.credentials).toEqual({ 'api key': 'key-Vx81-secret', 'api username': 'svc-northwind' });
		expect(output).toEqual([{ json: { id: created.id, vendorId: '43211235' }, pairedItem: { item: 0 } }]);
	});

	it('template mode maps input fields automatically, sending only template fields and skipping blanks', async () => {
		await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: TOKEN,
				vendorId: byId('67ae3bcff05cb32e0cb6d9a2'),
				credentialsMode: 'template',
				credentialFields: { ...templateFields({ 'tenant id': '', 'api key': '', region: '' }), mappingMode: 'autoMapInputData', value: null },
			},
			items: [{ 'tenant id': 'tenant-42', 'api key': 'harbor-Key-9913', region: '', customer: 'not a credential' }],
		});
		expect(lastBody().body.data).toEqual({
			vendorId: '67ae3bcff05cb32e0cb6d9a2',
			integrationCredentials: { 'tenant id': 'tenant-42', 'api key': 'harbor-Key-9913' },
		});
	});

	it('key/value mode sends keys with spaces, dots, unicode and prototype names verbatim, polluting nothing', async () => {
		const values = [
			{ key: 'api user', value: 'user-one' },
			{ key: 'api.key', value: 'dotted-Value-1' },
			{ key: 'clé d’accès 🔑', value: 'unicode-Value-2' },
			{ key: '__proto__', value: 'proto-Value-3' },
			{ key: 'constructor', value: 'ctor-Value-4' },
		];
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: TOKEN,
				vendorId: byId('67ae3bcff05cb32e0cb6d9a1'),
				credentialsMode: 'keyValue',
				credentialValues: { values },
			},
		});
		const { request } = lastBody();
		const sent = JSON.parse(request.rawBody).data.integrationCredentials as Record<string, string>;
		expect(Object.keys(sent)).toEqual(values.map((entry) => entry.key));
		expect(request.rawBody).toContain('"__proto__":"proto-Value-3"');
		for (const { key, value } of values) expect(Object.getOwnPropertyDescriptor(sent, key)?.value).toBe(value);
		expect(Object.keys(Object.prototype)).toEqual([]);
		expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'api user')).toBe(false);
		expect(output[0].json.vendorId).toBe('67ae3bcff05cb32e0cb6d9a1');
		expect(findSecrets(serialiseDeep(output), values.map((entry) => entry.value))).toEqual([]);
	});

	it('JSON mode sends the object as given', async () => {
		await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: TOKEN,
				vendorId: byId('90017'),
				credentialsMode: 'json',
				credentialsJson: '{"api username": "summit-user", "api secret": "summit-Secret-77", "tenant id": "t-1"}',
			},
		});
		expect(lastBody().body.data).toEqual({
			vendorId: '90017',
			integrationCredentials: { 'api username': 'summit-user', 'api secret': 'summit-Secret-77', 'tenant id': 't-1' },
		});
	});

	it('reads every parameter per item from expressions', async () => {
		const other = env.sandbox.createOrganization({ name: 'Third MSP', email: 'owner@third.example' });
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: '={{ $json.token }}',
				vendorId: { __rl: true, mode: 'id', value: '={{ $json.vendor }}' },
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: '={{ $json.keyName }}', value: '={{ $json.secret }}' }] },
			},
			items: [
				{ token: TOKEN, vendor: '43211235', keyName: 'api key', secret: 'first-Secret-1' },
				{ token: other.organizationOemToken, vendor: '90017', keyName: 'api secret', secret: 'second-Secret-2' },
			],
		});
		expect(output.map((item) => [item.json.vendorId, item.pairedItem])).toEqual([
			['43211235', { item: 0 }],
			['90017', { item: 1 }],
		]);
		expect(integrationsOf(TOKEN).map((entry) => entry.credentials)).toEqual([{ 'api key': 'first-Secret-1' }]);
		expect(integrationsOf(other.organizationOemToken).map((entry) => entry.credentials)).toEqual([
			{ 'api secret': 'second-Secret-2' },
		]);
	});
});

describe('Integration: List', () => {
	it('sends the token and returns one item per integration, the template array normalised to an object', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'integration', operation: 'list', organizationOemToken: OTHER_ORGANIZATION_TOKEN, returnAll: true },
		});
		const [list, vendors] = env.sandbox.requests;
		expect(env.sandbox.requests).toHaveLength(2);
		expect(list.path).toBe('/api/oem-api/integration/list');
		expect(JSON.parse(list.rawBody)).toEqual({ ...auth(), organizationOemToken: OTHER_ORGANIZATION_TOKEN });
		// the vendor names come from one vendor list
		expect(vendors.path).toBe('/api/oem-api/vendor');
		const stored = integrationsOf(OTHER_ORGANIZATION_TOKEN);
		expect(output).toHaveLength(stored.length);
		const listed = output.find((item) => item.json.id === OTHER_ORGANIZATION_INTEGRATION_ID)!;
		const storedEntry = stored.find((entry) => entry.id === OTHER_ORGANIZATION_INTEGRATION_ID)!;
		expect(Object.keys(listed.json).slice(0, 3)).toEqual(['id', 'vendorId', 'vendorName']);
		expect(listed.json.vendorName).toBe(env.sandbox.state().vendors.find((vendor) => vendor.id === storedEntry.vendorId)!.name);
		const keys = Object.keys(storedEntry.credentials);
		expect(listed.json.integrationCredentialTemplate).toEqual(Object.fromEntries(keys.map((key) => [key, ''])));
		expect(listed.json.credentialKeys).toEqual(keys);
		expect(listed.pairedItem).toEqual({ item: 0 });
	});

	it('a 200 whose body says 403 is a failure, not an organization without integrations', async () => {
		env.sandbox.injectNext({
			path: '/api/oem-api/integration/list',
			status: 200,
			body: { status: 403, message: 'Invalid organization token', integrations: [] },
		});
		const result = await runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: { resource: 'integration', operation: 'list', organizationOemToken: OTHER_ORGANIZATION_TOKEN, returnAll: true },
		});
		expect(result.output.map((item) => item.json)).toEqual([
			{
				error:
					"Could not list the organization's integrations: the organization OEM token was rejected (403): check the Organization OEM Token parameter. The API answered HTTP 200, with status 403 in its body",
				description: 'The API said: Invalid organization token',
				httpCode: '403',
			},
		]);
	});

	it('N items for several organizations: one list per token and one vendor list for all', async () => {
		const tokens = [TOKEN, OTHER_ORGANIZATION_TOKEN, TOKEN, OTHER_ORGANIZATION_TOKEN, OTHER_ORGANIZATION_TOKEN];
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'integration', operation: 'list', organizationOemToken: '={{ $json.token }}', returnAll: true },
			items: tokens.map((token) => ({ token })),
		});
		const paths = env.sandbox.requests.map((request) => request.path);
		expect(paths.filter((path) => path.endsWith('/integration/list'))).toHaveLength(2);
		expect(paths.filter((path) => path.endsWith('/vendor'))).toHaveLength(1);
		// the demo organization has no integration: only the other organization's items yield output
		const otherCount = integrationsOf(OTHER_ORGANIZATION_TOKEN).length;
		expect(output.map((item) => item.pairedItem)).toEqual([1, 3, 4].flatMap((item) => Array(otherCount).fill({ item })));
	});
});

describe('Integration: Update', () => {
	it('patches the encoded integration id with the new credentials', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'update',
				organizationOemToken: OTHER_ORGANIZATION_TOKEN,
				integrationId: { __rl: true, mode: 'list', value: OTHER_ORGANIZATION_INTEGRATION_ID },
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api user', value: 'rotated-user' }, { key: 'api key', value: 'rotated-Key-55' }] },
			},
		});
		const { request, body } = lastBody();
		expect(request.method).toBe('PATCH');
		expect(request.path).toBe(`/api/oem-api/integration/${OTHER_ORGANIZATION_INTEGRATION_ID}`);
		expect(body).toEqual({
			...auth(),
			organizationOemToken: OTHER_ORGANIZATION_TOKEN,
			data: { integrationCredentials: { 'api user': 'rotated-user', 'api key': 'rotated-Key-55' } },
		});
		const stored = integrationsOf(OTHER_ORGANIZATION_TOKEN).find((entry) => entry.id === OTHER_ORGANIZATION_INTEGRATION_ID)!;
		expect(stored.credentials).toEqual({ 'api user': 'rotated-user', 'api key': 'rotated-Key-55' });
		expect(output).toEqual([{ json: { id: OTHER_ORGANIZATION_INTEGRATION_ID, vendorId: stored.vendorId }, pairedItem: { item: 0 } }]);
	});

	it('encodes an id holding / ? # and spaces into one path segment', async () => {
		const { run } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'update',
				organizationOemToken: OTHER_ORGANIZATION_TOKEN,
				integrationId: byId('a/b?c#d e'),
				credentialsMode: 'json',
				credentialsJson: '{"api key": "whatever-Value"}',
				// with the opt-in no list is read first: the update itself is sent
				removeBlankFields: true,
			},
		});
		expect(lastBody().request.path).toBe('/api/oem-api/integration/a%2Fb%3Fc%23d%20e');
		expect(run.data.resultData.error?.message).toMatch(/Could not update the integration: not found \(404\)/);
	});
});

describe('Create and Update output only the documented fields of the integration they answer with', () => {
	const ECHOED = 'Uv7Kq2Lm9Xp4Rz8Wd';
	it.each([
		['update', 'PATCH', `/api/oem-api/integration/${OTHER_ORGANIZATION_INTEGRATION_ID}`, OTHER_ORGANIZATION_INTEGRATION_ID],
		['create', 'POST', '/api/oem-api/integration', '67ae3bcff05cb32e0cb6d9ff'],
	] as const)('%s: credential values the API echoes stay out of the output', async (operation, method, path, id) => {
		env.sandbox.injectNext({
			method,
			path,
			phase: 'after',
			status: operation === 'create' ? 201 : 200,
			body: {
				status: 200,
				message: 'Done',
				integration: { id, vendorId: '43211235', integrationKind: 'credential', integrationCredentials: { 'api user': 'u', 'api key': ECHOED }, note: ECHOED },
			},
		});
		const { output, run } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation,
				organizationOemToken: operation === 'create' ? TOKEN : OTHER_ORGANIZATION_TOKEN,
				vendorId: { __rl: true, mode: 'id', value: '43211235' },
				integrationId: byId(OTHER_ORGANIZATION_INTEGRATION_ID),
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api user', value: 'u' }, { key: 'api key', value: ECHOED }] },
			},
		});
		expect(run.data.resultData.error).toBeUndefined();
		expect(output).toEqual([{ json: { id, vendorId: '43211235', integrationKind: 'credential' }, pairedItem: { item: 0 } }]);
	});
});
