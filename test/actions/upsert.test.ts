/** Integration: Create or Update, the blank-field guard of updates, and the report when the node stops midway. */
import { OTHER_ORGANIZATION_INTEGRATION_ID, OTHER_ORGANIZATION_TOKEN } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { byId, templateFields, upsertParameters } from '../helpers/parameters';
import { findSecrets, nodeRunText } from '../helpers/secrets';
import { runNode } from '../helpers/workflow';

const env = useSandbox();
const TOKEN = 'demo-org-oem-token';
const NORTHWIND = '43211235';

const auth = () => ({
	clientId: env.credentials.clientId,
	clientSecret: env.credentials.clientSecret,
	grantType: 'client_credentials',
	scope: 'vendor_manage',
});

function integrationsOf(token: string) {
	const state = env.sandbox.state();
	const organization = state.organizations.find((org) => org.organizationOemToken === token)!;
	return state.integrations.filter((entry) => entry.organizationId === organization.id);
}

const calls = () => env.sandbox.requests.map((request) => `${request.method} ${request.path}`);

function errorOf(result: Awaited<ReturnType<typeof runNode>>) {
	const error = result.run.data.resultData.error as (Error & { description?: string; httpCode?: string }) | undefined;
	expect(error).toBeDefined();
	return error!;
}

describe('Integration: Create or Update', () => {
	it('creates when the organization has no integration for the vendor, then updates on the next run', async () => {
		const run = (key: string) =>
			runNode({
				credentials: env.credentials,
				parameters: upsertParameters(),
				items: [{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': key, 'api username': 'svc' } }],
			});
		const first = await run('first-Key-111');
		const [created] = integrationsOf(TOKEN);
		expect(first.output).toEqual([{ json: { id: created.id, vendorId: NORTHWIND, action: 'created' }, pairedItem: { item: 0 } }]);
		expect(calls()).toEqual(['POST /api/oem-api/integration/list', 'POST /api/oem-api/integration']);
		expect(env.sandbox.requests[1].rawBody).toBe(
			JSON.stringify({
				...auth(),
				organizationOemToken: TOKEN,
				data: { vendorId: NORTHWIND, integrationCredentials: { 'api key': 'first-Key-111', 'api username': 'svc' } },
			}),
		);

		env.sandbox.clearRequests();
		const second = await run('second-Key-222');
		expect(second.output).toEqual([{ json: { id: created.id, vendorId: NORTHWIND, action: 'updated' }, pairedItem: { item: 0 } }]);
		expect(calls()).toEqual(['POST /api/oem-api/integration/list', `PATCH /api/oem-api/integration/${created.id}`]);
		expect(env.sandbox.requests[1].rawBody).toBe(
			JSON.stringify({ ...auth(), organizationOemToken: TOKEN, data: { integrationCredentials: { 'api key': 'second-Key-222', 'api username': 'svc' } } }),
		);
		expect(integrationsOf(TOKEN)).toHaveLength(1);
		expect(integrationsOf(TOKEN)[0].credentials).toEqual({ 'api key': 'second-Key-222', 'api username': 'svc' });
		expect(findSecrets(nodeRunText(second), ['first-Key-111', 'second-Key-222'])).toEqual([]);
	});

	it('N items for one organization send one list request; each item is created or updated, paired', async () => {
		const vendors = [NORTHWIND, '67ae3bcff05cb32e0cb6d9a1', '67ae3bcff05cb32e0cb6d9a2', '90017'];
		// Northwind's integration in the seed stores "api user" too: an update must give it
		const items = [...vendors, ...vendors].map((vendor, index) => ({
			token: OTHER_ORGANIZATION_TOKEN,
			vendor,
			credentials: { ...(vendor === NORTHWIND ? { 'api user': 'svc' } : {}), 'api key': `value-${index}` },
		}));
		// the second half repeats the vendors: one at a time, so each repeat meets the integration its twin created
		const { output } = await runNode({ credentials: env.credentials, parameters: upsertParameters({ options: { concurrency: 1 } }), items: items.slice(0, 4) });
		expect(calls().filter((call) => call.endsWith('/integration/list'))).toHaveLength(1);
		expect(output.map((item) => [item.pairedItem, item.json.vendorId, item.json.action])).toEqual([
			[{ item: 0 }, NORTHWIND, 'updated'], // the other organization has Northwind from the seed
			[{ item: 1 }, vendors[1], 'created'],
			[{ item: 2 }, vendors[2], 'created'],
			[{ item: 3 }, vendors[3], 'created'],
		]);
		expect(output[0].json.id).toBe(OTHER_ORGANIZATION_INTEGRATION_ID);
		expect(integrationsOf(OTHER_ORGANIZATION_TOKEN)).toHaveLength(4);

		// a second run with all of them at 5 items at once: one list, four updates
		env.sandbox.clearRequests();
		const again = await runNode({ credentials: env.credentials, parameters: upsertParameters(), items: items.slice(4) });
		expect(calls().filter((call) => call.endsWith('/integration/list'))).toHaveLength(1);
		expect(calls().filter((call) => call.startsWith('PATCH'))).toHaveLength(4);
		expect(again.output.map((item) => item.json.action)).toEqual(['updated', 'updated', 'updated', 'updated']);
		expect(integrationsOf(OTHER_ORGANIZATION_TOKEN).map((entry) => entry.credentials['api key']).sort()).toEqual(
			['value-4', 'value-5', 'value-6', 'value-7'],
		);
	});

	it('two items create the same integration at once: the second waits for the first and updates it, no second create', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters({ options: { concurrency: 2 } }),
			items: [
				{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'racer-One-1' } },
				{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'racer-Two-2' } },
			],
		});
		const [integration] = integrationsOf(TOKEN);
		expect(integrationsOf(TOKEN)).toHaveLength(1);
		// one shared list, one create; the second item knows what the first created
		expect(calls()).toEqual([
			'POST /api/oem-api/integration/list',
			'POST /api/oem-api/integration',
			`PATCH /api/oem-api/integration/${integration.id}`,
		]);
		expect(output.map((item) => [item.pairedItem, item.json])).toEqual([
			[{ item: 0 }, { id: integration.id, vendorId: NORTHWIND, action: 'created' }],
			[{ item: 1 }, { id: integration.id, vendorId: NORTHWIND, action: 'updated' }],
		]);
		expect(integration.credentials).toEqual({ 'api key': 'racer-Two-2' });
	});

	it('the 409 race with someone else: created between our list and our create', async () => {
		// the create is carried out by the API but answered 409, as when another client won the race
		env.sandbox.injectNext({ method: 'POST', path: '/api/oem-api/integration', status: 409, phase: 'after', body: { status: 409, message: 'exists' } });
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters(),
			items: [{ token: TOKEN, vendor: '90017', credentials: { 'api username': 'u', 'api secret': 'race-Secret-3' } }],
		});
		const [integration] = integrationsOf(TOKEN);
		expect(output).toEqual([{ json: { id: integration.id, vendorId: '90017', action: 'updated' }, pairedItem: { item: 0 } }]);
		expect(calls()).toEqual([
			'POST /api/oem-api/integration/list',
			'POST /api/oem-api/integration',
			'POST /api/oem-api/integration/list',
			`PATCH /api/oem-api/integration/${integration.id}`,
		]);
	});

	it('a 409 whose fresh list shows no integration either: the error says so', async () => {
		env.sandbox.injectNext({ method: 'POST', path: '/api/oem-api/integration', status: 409, body: { status: 409, message: 'odd' } });
		const result = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters(),
			items: [{ token: TOKEN, vendor: '90017', credentials: { 'api secret': 'never-Stored-4' } }],
		});
		const error = errorOf(result);
		expect(error.message).toBe(
			'Could not create the integration: it already exists (409), but Integration: List shows no integration for this vendor; check the Vendor ID',
		);
		expect(error.httpCode).toBe('409');
		expect(calls()).toEqual(['POST /api/oem-api/integration/list', 'POST /api/oem-api/integration', 'POST /api/oem-api/integration/list']);
	});

	it('a 5xx after the create was carried out: not retried; the message says a rerun of Create or Update is safe', async () => {
		env.sandbox.injectNext({ method: 'POST', path: '/api/oem-api/integration', status: 500, phase: 'after', times: 5 });
		const parameters = upsertParameters({ options: { maxRetries: 3, retryDelay: 1 } });
		const items = [{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'lost-Answer-5' } }];
		const result = await runNode({ credentials: env.credentials, parameters, items });
		expect(errorOf(result).message).toBe(
			'Could not create the integration: the MSPC OEM API failed with a server error (500). The integration may have been created anyway: running Create or Update again is safe (it updates the integration if it exists); or check with Integration: List before running this item again',
		);
		expect(calls()).toEqual(['POST /api/oem-api/integration/list', 'POST /api/oem-api/integration']);
		expect(findSecrets(nodeRunText(result), ['lost-Answer-5', TOKEN])).toEqual([]);
		// the safe rerun
		env.sandbox.clearRequests();
		const rerun = await runNode({ credentials: env.credentials, parameters, items });
		expect(rerun.output[0].json.action).toBe('updated');
		expect(integrationsOf(TOKEN)).toHaveLength(1);
	});

	it.each([
		[403, 'the organization OEM token was rejected (403)', 1],
		[401, 'the client credentials were rejected (401)', 1],
		[400, 'the MSPC OEM API rejected the request as malformed (400)', 1],
	])('a %i on the list stops before any create or update', async (status, words, requests) => {
		env.sandbox.injectNext({ path: '/api/oem-api/integration/list', status, body: { status, message: `said ${status}` } });
		const result = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters(),
			items: [{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'unsent-Value-6' } }],
		});
		expect(errorOf(result).message).toBe(`Could not list the organization's integrations: ${words}${status === 403 ? ': check the Organization OEM Token parameter' : status === 401 ? ': check the Client ID, Client Secret and Scope in the credential' : ''}`);
		expect(env.sandbox.requests).toHaveLength(requests);
	});

	it('404: an unknown vendor on the create path; Continue On Fail pairs it', async () => {
		const result = await runNode({
			credentials: env.credentials,
			continueOnFail: true,
			parameters: upsertParameters(),
			items: [
				{ token: TOKEN, vendor: 'no-such-vendor', credentials: { 'api key': 'x-Value-7' } },
				{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'y-Value-8' } },
			],
		});
		expect(result.output.map((item) => [item.pairedItem, item.json.error ?? item.json.action])).toEqual([
			[{ item: 0 }, 'Could not create the integration: not found (404): no vendor with this ID exists; pick one from Vendor: List'],
			[{ item: 1 }, 'created'],
		]);
	});
});

describe('updates in Vendor Template mode cannot silently delete a stored key', () => {
	const templateUpdate = (values: Record<string, string>, extra: Record<string, unknown> = {}) => ({
		resource: 'integration',
		operation: 'update',
		organizationOemToken: OTHER_ORGANIZATION_TOKEN,
		integrationId: byId(OTHER_ORGANIZATION_INTEGRATION_ID),
		credentialsMode: 'template',
		credentialFields: templateFields(values),
		...extra,
	});
	const listOnly = () => expect(calls()).toEqual(['POST /api/oem-api/integration/list']);

	it.each(['update', 'upsert'])('%s: a blank template field of a stored key is an error before anything is written, naming it', async (operation) => {
		const parameters =
			operation === 'update'
				? templateUpdate({ 'api user': 'kept-user', 'api key': '' })
				: { ...upsertParameters(), organizationOemToken: OTHER_ORGANIZATION_TOKEN, vendorId: byId(NORTHWIND), credentialsMode: 'template', credentialFields: templateFields({ 'api user': 'kept-user', 'api key': '' }) };
		const result = await runNode({ credentials: env.credentials, parameters });
		const error = errorOf(result);
		expect(error.message).toBe('The update for item 0 would delete the stored credential key "api key"');
		expect(error.description).toBe(
			"An update replaces all of the integration's stored credential values, so a stored key that is not given, or given blank (empty or only spaces), loses its value. Give it a value (keys must match exactly, case and spaces included; Integration: List shows the stored keys), or turn on Allow Removing Stored Keys if you mean to delete it." +
				(operation === 'upsert' ? ' To leave integrations that exist as they are, set If the Integration Exists to Skip It.' : '') +
				' Nothing was sent.',
		);
		listOnly();
		const stored = integrationsOf(OTHER_ORGANIZATION_TOKEN).find((entry) => entry.id === OTHER_ORGANIZATION_INTEGRATION_ID)!;
		expect(stored.credentials).toEqual({ 'api user': 'other-api-user', 'api key': 'other-api-key' });
	});

	it('names every stored key left blank, fields missing from the automatically mapped input included', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: templateUpdate(
				{ 'api user': '', 'api key': '', region: '' },
				{ credentialFields: { ...templateFields({ 'api user': '', 'api key': '', region: '' }), mappingMode: 'autoMapInputData', value: null } },
			),
			items: [{ 'api user': '  ', region: 'eu' }],
		});
		expect(errorOf(result).message).toBe('The update for item 0 would delete 2 stored credential keys: "api user", "api key"');
		listOnly();
	});

	it('a field removed from the mapping is not sent: it would delete the stored value too', async () => {
		const fields = templateFields({ 'api user': 'kept-user', 'api key': 'new-key' });
		const removed = {
			...fields,
			value: { 'api user': 'kept-user' },
			schema: fields.schema.map((field) => (field.id === 'api key' ? { ...field, removed: true } : field)),
		};
		const result = await runNode({ credentials: env.credentials, parameters: templateUpdate({}, { credentialFields: removed }) });
		expect(errorOf(result).message).toBe('The update for item 0 would delete the stored credential key "api key"');
		listOnly();
	});

	it('Allow Removing Stored Keys (saved as removeBlankFields, as before): the user means it, the blank key is removed', async () => {
		await runNode({ credentials: env.credentials, parameters: templateUpdate({ 'api user': 'only-user', 'api key': '' }, { removeBlankFields: true }) });
		expect(JSON.parse(env.sandbox.requests[0].rawBody).data).toEqual({ integrationCredentials: { 'api user': 'only-user' } });
		const stored = integrationsOf(OTHER_ORGANIZATION_TOKEN).find((entry) => entry.id === OTHER_ORGANIZATION_INTEGRATION_ID)!;
		expect(stored.credentials).toEqual({ 'api user': 'only-user' });
	});

	it('Create still leaves blank fields out without complaint (nothing is stored yet)', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: TOKEN,
				vendorId: byId(NORTHWIND),
				credentialsMode: 'template',
				credentialFields: templateFields({ 'api key': 'k-Value-9', 'api username': '' }),
			},
		});
		expect(output[0].json.vendorId).toBe(NORTHWIND);
		expect(JSON.parse(env.sandbox.requests[0].rawBody).data.integrationCredentials).toEqual({ 'api key': 'k-Value-9' });
	});
});

/** "items 0, 2–4" (runs of three or more joined with a dash), written independently of the node's code. */
function shown(indexes: number[]): string {
	const runs: number[][] = [];
	for (const index of indexes) {
		const last = runs.at(-1);
		if (last && last.at(-1) === index - 1) last.push(index);
		else runs.push([index]);
	}
	const parts = runs.flatMap((run) => (run.length >= 3 ? [`${run[0]}–${run.at(-1)}`] : run.map(String)));
	return `${indexes.length === 1 ? 'item' : 'items'} ${parts.join(', ')}`;
}

describe('failing midway: the error names the items already carried out', () => {
	it('Items at Once 3: the report lists items done, failed and not started', async () => {
		// items 0–5: item 1 has an unknown vendor; with 3 at once, items 0, 2 run beside it, and the
		// workers finish what they started before the node stops
		const vendors = [NORTHWIND, 'missing-vendor', '90017', '67ae3bcff05cb32e0cb6d9a1', '67ae3bcff05cb32e0cb6d9a2', '67ae3bcff05cb32e0cb6d9a4'];
		const result = await runNode({
			credentials: env.credentials,
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: TOKEN,
				vendorId: { __rl: true, mode: 'id', value: '={{ $json.vendor }}' },
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api key', value: '={{ $json.secret }}' }] },
				options: { concurrency: 3 },
			},
			items: vendors.map((vendor, index) => ({ vendor, secret: `midway-Secret-${index}` })),
		});
		const error = errorOf(result) as Error & { description?: string; context?: { itemIndex?: number } };
		expect(error.message).toBe('Could not create the integration: not found (404): no vendor with this ID exists; pick one from Vendor: List');
		expect(error.context?.itemIndex).toBe(1);
		// what really happened, from the sandbox: every create that reached it and succeeded
		const createdVendors = integrationsOf(TOKEN).map((entry) => entry.vendorId);
		const done = vendors.map((vendor, index) => (createdVendors.includes(vendor) ? index : -1)).filter((index) => index >= 0);
		const sent = env.sandbox.requests.map((request) => JSON.parse(request.rawBody).data.vendorId as string);
		const notStarted = vendors.map((vendor, index) => (sent.includes(vendor) ? -1 : index)).filter((index) => index >= 0);
		expect(done).toEqual(expect.arrayContaining([0, 2]));
		// how many run beside the failing one depends on timing: the report must match what the sandbox saw
		expect(error.description).toBe(
			`The API said: Vendor not found\n\nThe node stopped at input item 1; the output of the other items is lost. Carried out before it stopped (a rerun repeats them): ${shown(done)}.${notStarted.length ? ` Not started: ${shown(notStarted)}.` : ''}`,
		);
		expect(findSecrets(nodeRunText(result), vendors.map((_, index) => `midway-Secret-${index}`))).toEqual([]);
	});

	it('one at a time: the items before the failure were carried out, the rest not started', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: { ...upsertParameters(), options: { concurrency: 1 } },
			items: [
				{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'a-Value-1' } },
				{ token: TOKEN, vendor: '90017', credentials: { 'api secret': 'b-Value-2' } },
				{ token: TOKEN, vendor: '90017', credentials: { 'api secret': 42 } },
				{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'd-Value-4' } },
				{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'e-Value-5' } },
			],
		});
		const error = errorOf(result);
		expect(error.message).toBe('The credential value for key "api secret" must be text, not number');
		expect(error.description).toBe(
			'Credential values are sent as strings. Wrap numbers in quotes, or use an expression such as {{ String($json.value) }}.\n\nThe node stopped at input item 2; the output of the other items is lost. Carried out before it stopped (a rerun repeats them): items 0, 1. Not started: items 3, 4.',
		);
	});

	it('two at once, both failing: the other failure is named too', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: { ...upsertParameters(), options: { concurrency: 2 } },
			items: [
				{ token: 'unknown-Token-A1', vendor: NORTHWIND, credentials: { 'api key': 'a-Value-1' } },
				{ token: 'unknown-Token-B2', vendor: NORTHWIND, credentials: { 'api key': 'b-Value-2' } },
				{ token: TOKEN, vendor: NORTHWIND, credentials: { 'api key': 'c-Value-3' } },
			],
		});
		const error = errorOf(result);
		expect(error.message).toMatch(/\(403\)/);
		expect(error.description).toBe(
			'The API said: Invalid organizationOemToken\n\nThe node stopped at input item 0; the output of the other items is lost. No other input item was carried out. Also failed: item 1. Not started: item 2.',
		);
		expect(findSecrets(nodeRunText(result), ['unknown-Token-A1', 'unknown-Token-B2', 'a-Value-1', 'b-Value-2'])).toEqual([]);
	});

	it('a single item gets no report', async () => {
		const result = await runNode({
			credentials: env.credentials,
			parameters: upsertParameters(),
			items: [{ token: TOKEN, vendor: '90017', credentials: { 'api secret': 42 } }],
		});
		expect(errorOf(result).description).toBe('Credential values are sent as strings. Wrap numbers in quotes, or use an expression such as {{ String($json.value) }}.');
	});
});
