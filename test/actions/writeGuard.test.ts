/**
 * The write guard and the write order of Integration: Update and Create or Update: an update
 * never drops or blanks a key the integration stores unless the user opted in (in every
 * Credentials Input mode), Create or Update can leave an existing integration alone, and writes
 * to one integration apply in input order however many items run at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { INodeParameters } from 'n8n-workflow';

import { OTHER_ORGANIZATION_INTEGRATION_ID, OTHER_ORGANIZATION_TOKEN } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { byId, templateFields, upsertParameters } from '../helpers/parameters';
import { findSecrets, nodeRunText } from '../helpers/secrets';
import { runNode } from '../helpers/workflow';

const env = useSandbox();
const NORTHWIND = '43211235';
const BLUEFIN = '67ae3bcff05cb32e0cb6d9a1';
const HARBOR = '67ae3bcff05cb32e0cb6d9a2';
const SUMMIT = '90017';

type Result = Awaited<ReturnType<typeof runNode>>;

function errorOf(result: Result) {
	const error = result.run.data.resultData.error as (Error & { description?: string; context?: { itemIndex?: number } }) | undefined;
	expect(error).toBeDefined();
	return error!;
}

const calls = () => env.sandbox.requests.map((request) => `${request.method} ${request.path}`);
const writes = () => calls().filter((call) => !call.endsWith('/list'));
const storedOf = (id: string) => env.sandbox.state().integrations.find((entry) => entry.id === id)?.credentials;

let organizations = 0;
/** A new organization holding one integration with exactly these stored keys and values. */
async function organizationWith(vendorId: string, credentials: Record<string, string>) {
	const { organizationOemToken: token } = env.sandbox.createOrganization({
		name: `Guard Org ${++organizations}`,
		email: `owner@guard-${organizations}.example`,
	});
	const answer = await fetch(`${env.sandbox.url}/__admin/integrations`, {
		method: 'POST',
		body: JSON.stringify({ organizationOemToken: token, vendorId, integrationCredentials: credentials }),
	});
	const { integration } = (await answer.json()) as { integration: { id: string } };
	env.sandbox.clearRequests();
	return { token, id: integration.id };
}

/** The parameters of one Credentials Input mode, giving `values` (a key left out of `values` is not given). */
function credentialsIn(mode: 'template' | 'keyValue' | 'json', values: Record<string, string>) {
	if (mode === 'template') return { credentialsMode: 'template', credentialFields: templateFields(values) };
	if (mode === 'keyValue') {
		return { credentialsMode: 'keyValue', credentialValues: { values: Object.keys(values).map((key) => ({ key, value: values[key] })) } };
	}
	return { credentialsMode: 'json', credentialsJson: JSON.stringify(values) };
}

const update = (token: string, id: string, extra: Record<string, unknown>) => ({
	resource: 'integration',
	operation: 'update',
	organizationOemToken: token,
	integrationId: byId(id),
	...extra,
});

const OPT_IN_HINT = 'turn on Allow Removing Stored Keys if you mean to delete it.';

describe('an update never drops a stored key without the opt-in', () => {
	it('Create or Update, Vendor Template: the template says "api username", the integration stores "api user": refused, nothing written', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: {
				...upsertParameters(),
				organizationOemToken: OTHER_ORGANIZATION_TOKEN,
				vendorId: byId(NORTHWIND),
				...credentialsIn('template', { 'api key': '={{ $json.key }}', 'api username': 'svc' }),
			},
			items: [{ key: 'new-Key-1' }],
		});
		const error = errorOf(result);
		expect(error.message).toBe('The update for item 0 would delete the stored credential key "api user"');
		expect(error.description).toContain(OPT_IN_HINT);
		expect(error.description).toContain('Nothing was sent.');
		expect(writes()).toEqual([]);
		expect(storedOf(OTHER_ORGANIZATION_INTEGRATION_ID)).toEqual({ 'api user': 'other-api-user', 'api key': 'other-api-key' });
		expect(findSecrets(nodeRunText(result), ['new-Key-1'])).toEqual([]);
	});

	it('Update: a key the integration gained after the workflow was edited is not dropped', async () => {
		const { token, id } = await organizationWith(BLUEFIN, { 'api user': 'u', 'api key': 'k', 'api secret': 's', region: 'eu' });
		const result = await runNode({
			credentials: env.credentials,
			parameters: update(token, id, credentialsIn('template', { 'api user': 'u2', 'api key': 'k2', 'api secret': 's2' })),
		});
		expect(errorOf(result).message).toBe('The update for item 0 would delete the stored credential key "region"');
		expect(calls()).toEqual(['POST /api/oem-api/integration/list']);
		expect(storedOf(id)).toEqual({ 'api user': 'u', 'api key': 'k', 'api secret': 's', region: 'eu' });
	});

	describe.each(['template', 'keyValue', 'json'] as const)('in %s mode', (mode) => {
		const stored = { 'api user': 'old-user', 'api key': 'old-Key-2' };

		it.each([
			['left out', { 'api user': 'new-user' }, '"api key"'],
			['empty', { 'api user': 'new-user', 'api key': '' }, '"api key" (given blank)'],
			['only spaces', { 'api user': 'new-user', 'api key': '   ' }, '"api key" (given blank)'],
			['a tab and a newline', { 'api user': 'new-user', 'api key': '\t\n' }, '"api key" (given blank)'],
		])('a stored key %s: refused before anything is written', async (_what, values, named) => {
			const { token, id } = await organizationWith(BLUEFIN, stored);
			const result = await runNode({ credentials: env.credentials, parameters: update(token, id, credentialsIn(mode, values)) });
			// A template field left blank is not sent, so it is "left out" there.
			const shown = mode === 'template' ? '"api key"' : named;
			expect(errorOf(result).message).toBe(`The update for item 0 would delete the stored credential key ${shown}`);
			expect(writes()).toEqual([]);
			expect(storedOf(id)).toEqual(stored);
		});

		it('every stored key given: updated, the list asked once', async () => {
			const { token, id } = await organizationWith(BLUEFIN, stored);
			const { output } = await runNode({
				credentials: env.credentials,
				parameters: update(token, id, credentialsIn(mode, { 'api user': 'new-user', 'api key': 'new-Key-3', extra: 'x' })),
			});
			expect(output[0].json).toEqual({ id, vendorId: BLUEFIN });
			expect(calls()).toEqual(['POST /api/oem-api/integration/list', `PATCH /api/oem-api/integration/${id}`]);
			expect(storedOf(id)).toEqual({ 'api user': 'new-user', 'api key': 'new-Key-3', extra: 'x' });
		});

		it('with the opt-in the key goes, and no list is needed', async () => {
			const { token, id } = await organizationWith(BLUEFIN, stored);
			await runNode({
				credentials: env.credentials,
				parameters: update(token, id, { ...credentialsIn(mode, { 'api user': 'only-user', 'api key': '' }), removeBlankFields: true }),
			});
			expect(calls()).toEqual([`PATCH /api/oem-api/integration/${id}`]);
			// Vendor Template leaves a blank field out; Key/Value and JSON send what is given.
			expect(storedOf(id)).toEqual(mode === 'template' ? { 'api user': 'only-user' } : { 'api user': 'only-user', 'api key': '' });
		});
	});

	it('keys are matched exactly; one differing only in case or spaces is named with what was given', async () => {
		const { token, id } = await organizationWith(BLUEFIN, { 'api user': 'u', 'api key': 'k', 'api secret': 's' });
		const result = await runNode({
			credentials: env.credentials,
			parameters: update(token, id, credentialsIn('keyValue', { 'API User': 'u2', 'api  key': 'k2', 'api secret': 's2' })),
		});
		expect(errorOf(result).message).toBe(
			'The update for item 0 would delete 2 stored credential keys: "api user" (given as "API User"), "api key" (given as "api  key")',
		);
		expect(errorOf(result).description).toContain('keys must match exactly, case and spaces included');
		expect(writes()).toEqual([]);
	});

	it('"api user" and "api username" are different keys', async () => {
		const { token, id } = await organizationWith(NORTHWIND, { 'api user': 'u', 'api key': 'k' });
		const result = await runNode({
			credentials: env.credentials,
			parameters: update(token, id, credentialsIn('json', { 'api username': 'u2', 'api key': 'k2' })),
		});
		expect(errorOf(result).message).toBe('The update for item 0 would delete the stored credential key "api user"');
	});

	it('a long list of keys is cut', async () => {
		const many = Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`key ${i}`, `v${i}`]));
		const { token, id } = await organizationWith(BLUEFIN, many);
		const result = await runNode({ credentials: env.credentials, parameters: update(token, id, credentialsIn('json', { other: 'x' })) });
		expect(errorOf(result).message).toBe(
			`The update for item 0 would delete 14 stored credential keys: ${Array.from({ length: 10 }, (_, i) => `"key ${i}"`).join(', ')} and 4 more`,
		);
	});

	it('unicode and __proto__ keys are plain data', async () => {
		const stored = JSON.parse('{"__proto__": "p", "clé API": "c", "constructor": "k"}') as Record<string, string>;
		const { token, id } = await organizationWith(BLUEFIN, stored);
		const refused = await runNode({
			credentials: env.credentials,
			parameters: update(token, id, { credentialsMode: 'json', credentialsJson: '{"__proto__": "p2", "clé API": "c2"}' }),
		});
		expect(errorOf(refused).message).toBe('The update for item 0 would delete the stored credential key "constructor"');
		const missingProto = await runNode({
			credentials: env.credentials,
			parameters: update(token, id, { credentialsMode: 'json', credentialsJson: '{"constructor": "k2", "clé API": "c2"}' }),
		});
		expect(errorOf(missingProto).message).toBe('The update for item 0 would delete the stored credential key "__proto__"');
		expect(writes()).toEqual([]);
		await runNode({
			credentials: env.credentials,
			parameters: update(token, id, { credentialsMode: 'json', credentialsJson: '{"__proto__": "p2", "clé API": "c2", "constructor": "k2"}' }),
		});
		expect(writes()).toEqual([`PATCH /api/oem-api/integration/${id}`]);
		expect(JSON.stringify(storedOf(id))).toBe('{"__proto__":"p2","clé API":"c2","constructor":"k2"}');
	});

	it('Update: an integration Integration: List does not show is refused, not written blind', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: update(OTHER_ORGANIZATION_TOKEN, '000000000000000000000000', credentialsIn('json', { 'api key': 'k' })),
		});
		expect(errorOf(result).message).toBe('Could not update the integration: Integration: List shows no integration with this ID in the organization');
		expect(writes()).toEqual([]);
	});

	describe('Update, when the list entry shows its template in another shape', () => {
		const STORED = { 'api user': 'other-api-user', 'api key': 'other-api-key' };
		/** The next Integration: List answers with the integration's entry shaped so. */
		const listShows = (template: Record<string, unknown>) =>
			env.sandbox.injectNext({
				method: 'POST',
				path: '/api/oem-api/integration/list',
				status: 200,
				body: {
					status: 200,
					message: 'Integrations retrieved',
					integrations: [{ id: OTHER_ORGANIZATION_INTEGRATION_ID, vendorId: NORTHWIND, ...template }],
				},
			});
		const updateGiving = (values: Record<string, string>) =>
			runNode({ credentials: env.credentials, parameters: update(OTHER_ORGANIZATION_TOKEN, OTHER_ORGANIZATION_INTEGRATION_ID, credentialsIn('keyValue', values)) });

		it.each([
			['without integrationCredentialTemplate', {}],
			['with it null', { integrationCredentialTemplate: null }],
			['with it as text', { integrationCredentialTemplate: 'api user, api key' }],
			['with an array holding numbers', { integrationCredentialTemplate: [{ 'api key': '' }, 3] }],
		])('%s: the stored keys are unknown, so nothing is sent without the opt-in', async (_shape, template) => {
			listShows(template);
			const result = await updateGiving({ 'api key': 'new-api-key' });
			expect(errorOf(result).message).toBe('Could not update the integration: Integration: List does not show which credential keys it stores');
			expect(errorOf(result).description).toContain('Turn on Allow Removing Stored Keys');
			expect(writes()).toEqual([]);
			expect(storedOf(OTHER_ORGANIZATION_INTEGRATION_ID)).toEqual(STORED);
		});

		it('as an array of key names: read as those keys', async () => {
			listShows({ integrationCredentialTemplate: ['api user', 'api key'] });
			const refused = await updateGiving({ 'api key': 'new-api-key' });
			expect(errorOf(refused).message).toBe('The update for item 0 would delete the stored credential key "api user"');
			expect(storedOf(OTHER_ORGANIZATION_INTEGRATION_ID)).toEqual(STORED);
			listShows({ integrationCredentialTemplate: ['api user', 'api key'] });
			await updateGiving({ 'api user': 'new-user', 'api key': 'new-api-key' });
			expect(storedOf(OTHER_ORGANIZATION_INTEGRATION_ID)).toEqual({ 'api user': 'new-user', 'api key': 'new-api-key' });
		});
	});

	it("the list that the guard needs fails: the error names the failing item's own index", async () => {
		const parameters = { ...update('={{ $json.token }}', '', credentialsIn('json', { 'api key': 'k2' })), integrationId: byId('={{ $json.id }}') };
		const items = [
			{ token: OTHER_ORGANIZATION_TOKEN, id: OTHER_ORGANIZATION_INTEGRATION_ID },
			{ token: 'unknown-Token-77', id: 'some-id' },
		];
		const paired = await runNode({ credentials: env.credentials, continueOnFail: true, parameters: { ...parameters, credentialsJson: '{"api user": "u", "api key": "k"}' }, items });
		expect(paired.output.map((item) => [item.pairedItem, item.json.error ?? item.json.id])).toEqual([
			[{ item: 0 }, OTHER_ORGANIZATION_INTEGRATION_ID],
			[{ item: 1 }, expect.stringContaining("Could not list the organization's integrations: the organization OEM token was rejected (403)")],
		]);
		const stopped = await runNode({ credentials: env.credentials, parameters, items: items.slice(1).concat(items.slice(1)) });
		expect(errorOf(stopped).context?.itemIndex).toBe(0);
		const second = await runNode({ credentials: env.credentials, parameters, items: [{ token: 'unknown-Token-77', id: 'x' }, ...items.slice(1)].reverse() });
		expect(errorOf(second).context?.itemIndex).toBe(0);
	});
});

describe('Create or Update', () => {
	it('If the Integration Exists = Skip It: an existing integration is left alone (no guard, no write); a missing one is created', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters({ ifExists: 'skip' }),
			items: [
				{ token: OTHER_ORGANIZATION_TOKEN, vendor: NORTHWIND, credentials: { 'api key': '' } },
				{ token: OTHER_ORGANIZATION_TOKEN, vendor: SUMMIT, credentials: { 'api username': '', 'api secret': '' } },
			],
		});
		const created = env.sandbox.state().integrations.find((entry) => entry.vendorId === SUMMIT)!;
		expect(output.map((item) => item.json)).toEqual([
			{ id: OTHER_ORGANIZATION_INTEGRATION_ID, vendorId: NORTHWIND, action: 'skipped' },
			{ id: created.id, vendorId: SUMMIT, action: 'created' },
		]);
		expect(writes()).toEqual(['POST /api/oem-api/integration']);
		expect(storedOf(OTHER_ORGANIZATION_INTEGRATION_ID)).toEqual({ 'api user': 'other-api-user', 'api key': 'other-api-key' });
	});

	it('a second item for a vendor just created updates it without a second create (the list knows it)', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters({ options: { concurrency: 1 } }),
			items: [
				{ token: 'demo-org-oem-token', vendor: SUMMIT, credentials: { 'api username': 'one', 'api secret': 's1' } },
				{ token: 'demo-org-oem-token', vendor: SUMMIT, credentials: { 'api username': 'two', 'api secret': 's2' } },
			],
		});
		const created = env.sandbox.state().integrations.find((entry) => entry.vendorId === SUMMIT)!;
		expect(calls()).toEqual(['POST /api/oem-api/integration/list', 'POST /api/oem-api/integration', `PATCH /api/oem-api/integration/${created.id}`]);
		expect(output.map((item) => item.json.action)).toEqual(['created', 'updated']);
		expect(created.credentials).toEqual({ 'api username': 'two', 'api secret': 's2' });
	});

	it('the second item is guarded against the keys the first one stored', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters({ options: { concurrency: 1 } }),
			items: [
				{ token: 'demo-org-oem-token', vendor: SUMMIT, credentials: { 'api username': 'one', 'api secret': 's1' } },
				{ token: 'demo-org-oem-token', vendor: SUMMIT, credentials: { 'api username': 'two' } },
			],
		});
		expect(errorOf(result).message).toBe('The update for item 1 would delete the stored credential key "api secret"');
		expect(writes()).toEqual(['POST /api/oem-api/integration']);
	});

	it('an external integration is never patched', async () => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'External MSP', email: 'owner@external.example' });
		const organizationId = env.sandbox.state().organizations.find((org) => org.organizationOemToken === token)!.id;
		await fetch(`${env.sandbox.url}/api/oem-api/integration`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...env.sandbox.credentials, grantType: 'client_credentials', organizationOemToken: token, integrationType: 'external', organizationId, vendorId: HARBOR }),
		});
		env.sandbox.clearRequests();
		const result = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters(),
			items: [{ token, vendor: HARBOR, credentials: { 'api key': 'k' } }],
		});
		expect(errorOf(result).message).toBe('Could not update the integration: it is an external integration, which has no stored credentials to replace');
		expect(writes()).toEqual([]);
	});

	it('Integration: Update refuses an external integration too, with the same message', async () => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'External MSP 2', email: 'owner@external-2.example' });
		const organizationId = env.sandbox.state().organizations.find((org) => org.organizationOemToken === token)!.id;
		const created = await fetch(`${env.sandbox.url}/api/oem-api/integration`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...env.sandbox.credentials, grantType: 'client_credentials', organizationOemToken: token, integrationType: 'external', organizationId, vendorId: HARBOR }),
		});
		const { integration } = (await created.json()) as { integration: { id: string } };
		env.sandbox.clearRequests();
		const result = await runNode({ credentials: env.credentials, parameters: update(token, integration.id, credentialsIn('keyValue', { 'api key': 'k' })) });
		expect(errorOf(result).message).toBe('Could not update the integration: it is an external integration, which has no stored credentials to replace');
		expect(errorOf(result).description).toBe('External integrations are set up through the vendor, not with credentials. Leave this integration out. Nothing was sent.');
		expect(writes()).toEqual([]);
	});

	it('the guard applies only when it updates: blank template fields are simply left out of a create', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: {
				...upsertParameters(),
				organizationOemToken: 'demo-org-oem-token',
				vendorId: byId(HARBOR),
				...credentialsIn('template', { 'tenant id': 't', 'api key': '   ', region: '' }),
			},
		});
		expect(output[0].json.action).toBe('created');
		expect(env.sandbox.state().integrations.find((entry) => entry.vendorId === HARBOR)!.credentials).toEqual({ 'tenant id': 't' });
	});
});

describe('writes to one integration apply in input order', () => {
	it.each([
		['Items at Once 2', { concurrency: 2 }],
		['Auto', {}],
	])('%s: item 0 is answered 500 after it was carried out and retried; item 1 is what stays stored', async (_name, options) => {
		const { token, id } = await organizationWith(BLUEFIN, { 'api key': 'seed' });
		env.sandbox.injectNext({ method: 'PATCH', status: 500, phase: 'after' });
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: update('={{ $json.token }}', id, { ...credentialsIn('keyValue', {}), credentialValues: { values: [{ key: 'api key', value: '={{ $json.value }}' }] }, options: { ...options, retryDelay: 50 } }),
			items: [
				{ token, value: 'older-0' },
				{ token, value: 'newer-1' },
			],
		});
		expect(output.map((item) => item.json.id)).toEqual([id, id]);
		const patches = env.sandbox.requests.filter((request) => request.method === 'PATCH');
		expect(patches.map((request) => JSON.parse(request.rawBody).data.integrationCredentials['api key'])).toEqual(['older-0', 'older-0', 'newer-1']);
		expect(storedOf(id)).toEqual({ 'api key': 'newer-1' });
	});

	it('Create or Update: the same, for the vendor of one organization', async () => {
		env.sandbox.injectNext({ method: 'PATCH', status: 503, phase: 'after' });
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters({ options: { concurrency: 3, retryDelay: 50 } }),
			items: ['a', 'b', 'c'].map((value) => ({ token: OTHER_ORGANIZATION_TOKEN, vendor: NORTHWIND, credentials: { 'api user': value, 'api key': value } })),
		});
		expect(output.map((item) => item.json.action)).toEqual(['updated', 'updated', 'updated']);
		expect(storedOf(OTHER_ORGANIZATION_INTEGRATION_ID)).toEqual({ 'api user': 'c', 'api key': 'c' });
	});

	it('unrelated items do not wait: while one integration hangs, another is written', async () => {
		const first = await organizationWith(BLUEFIN, { 'api key': 'a' });
		const second = await organizationWith(BLUEFIN, { 'api key': 'b' });
		env.sandbox.injectNext({ path: `/api/oem-api/integration/${first.id}`, action: 'hang' });
		let finished = false;
		const running = runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: {
				...update('={{ $json.token }}', '', credentialsIn('json', { 'api key': 'changed' })),
				integrationId: byId('={{ $json.id }}'),
				options: { concurrency: 2, maxRetries: 0, timeout: 3000 },
			},
			items: [first, second],
		}).finally(() => (finished = true));
		while (storedOf(second.id)?.['api key'] !== 'changed' && !finished) await new Promise((resolve) => setTimeout(resolve, 20));
		expect(finished).toBe(false);
		const { output } = await running;
		expect(output.map((item) => item.json.error ?? item.json.id)).toEqual([expect.stringContaining('did not answer'), second.id]);
	});
});

describe('the example new-vendor-offer.json only ever creates', () => {
	const example = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', 'new-vendor-offer.json'), 'utf8')) as {
		nodes: Array<{ name: string; parameters: INodeParameters }>;
	};
	const offer = example.nodes.find((node) => node.name === 'Offer integration')!.parameters;

	it('its Create or Update leaves integrations that exist alone, blank template and all', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: offer,
			items: [
				// what its Code node makes of a vendor: the template with empty values
				{ organizationOemToken: OTHER_ORGANIZATION_TOKEN, vendorId: NORTHWIND, credentials: { 'api key': '', 'api username': '' } },
				{ organizationOemToken: OTHER_ORGANIZATION_TOKEN, vendorId: HARBOR, credentials: { 'tenant id': '', 'api key': '', region: '' } },
			],
		});
		expect(output.map((item) => item.json.action)).toEqual(['skipped', 'created']);
		expect(storedOf(OTHER_ORGANIZATION_INTEGRATION_ID)).toEqual({ 'api user': 'other-api-user', 'api key': 'other-api-key' });
		expect(writes()).toEqual(['POST /api/oem-api/integration']);
	});
});
