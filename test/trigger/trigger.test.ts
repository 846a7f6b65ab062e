/**
 * The MSPC OEM Trigger, polled in-process through n8n-core's PollContext against the sandbox:
 * baseline, every event, filters, failed polls (nothing emitted, nothing forgotten), overlapping
 * polls, restarts (n8n saves static data only after a poll that emits and after the poll at
 * activation), 2xx answers that report a failure or omit a template, no secrets in items, poll
 * errors or static data, the editor's "Fetch Test Event", and the size of what is remembered for
 * a 100,000-vendor catalogue.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ActiveTrigger, N8nPoller } from '../helpers/poll';
import { useSandbox } from '../helpers/useSandbox';
import { findSecrets } from '../helpers/secrets';
import { runNode } from '../helpers/workflow';
import { manyVendors } from '../../scripts/lib/fixtures';

const env = useSandbox();

async function admin(method: string, path: string, body?: unknown) {
	const res = await fetch(`${env.sandbox.url}/__admin${path}`, {
		method,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = (await res.json()) as IDataObject;
	if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
	return json;
}

const addVendor = (vendor: { id?: string; name: string; integrationStatus?: string; integrationType?: string; credentialKeys?: string[] }) =>
	admin('POST', '/vendors', vendor);

/** Integration: Update through the API itself: replaces the credential values (and so the keys). */
async function updateIntegration(token: string, id: string, values: Record<string, string>) {
	const res = await fetch(`${env.sandbox.url}/api/oem-api/integration/${encodeURIComponent(id)}`, {
		method: 'PATCH',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			...env.sandbox.credentials,
			grantType: 'client_credentials',
			organizationOemToken: token,
			data: { integrationCredentials: values },
		}),
	});
	expect(res.status).toBe(200);
}

const jsons = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function addIntegration(token: string, vendorId: string): Promise<string> {
	const { integration } = (await admin('POST', '/integrations', { organizationOemToken: token, vendorId })) as {
		integration: { id: string };
	};
	return integration.id;
}

/** The sandbox's vendor list as the API answers it. */
async function rawVendorList(): Promise<{ vendors: Array<Record<string, unknown>> }> {
	const res = await fetch(`${env.sandbox.url}/api/oem-api/vendor`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...env.sandbox.credentials, grantType: 'client_credentials' }),
	});
	expect(res.status).toBe(200);
	return (await res.json()) as { vendors: Array<Record<string, unknown>> };
}

/** What the action node's list operation gives, for comparing shapes. */
async function listItems(parameters: Record<string, unknown>) {
	const { output } = await runNode({ credentials: env.credentials, parameters: { returnAll: true, ...parameters } });
	return output.map((item) => item.json);
}

const vendorTrigger = (event: string, extra: Record<string, unknown> = {}) =>
	new ActiveTrigger(env.credentials, { event, ...extra });

/** A fresh organization with two integrations whose credential values are secrets. */
function organizationWithIntegrations() {
	const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'Trigger MSP', email: 'owner@trigger.example' });
	const values = { northwind: 'nw-value-3f9a1c77', bluefin: 'bf-value-88d2e0aa' };
	return { token, values };
}

describe('vendor events', () => {
	it('the first poll records a baseline and emits nothing, with one vendor list request', async () => {
		const trigger = vendorTrigger('vendorAdded');
		env.sandbox.clearRequests();
		expect(await trigger.poll()).toBeNull();
		expect(env.sandbox.requests.map((r) => r.path)).toEqual(['/api/oem-api/vendor']);
		const saved = trigger.savedStaticData();
		expect(saved).toMatchObject({ format: 2, committed: 1, vendors: expect.any(String) });
		const count = env.sandbox.state().vendors.length;
		expect((saved.vendors as string).length).toBe(count * (8 + (saved.width as number)));
		// unchanged catalogue: nothing, still one request per poll
		env.sandbox.clearRequests();
		expect(await trigger.poll()).toBeNull();
		expect(env.sandbox.requests).toHaveLength(1);
	});

	it('vendorAdded: a new vendor once, shaped exactly like its Vendor: List item', async () => {
		const trigger = vendorTrigger('vendorAdded');
		await trigger.poll();
		await addVendor({ id: 'v-new-1', name: 'Fresh PSA', credentialKeys: ['api key', 'region'] });
		const items = await trigger.poll();
		const listed = (await listItems({ resource: 'vendor', operation: 'list' })).find((v) => v.id === 'v-new-1');
		expect(jsons(items)).toEqual([{ event: 'vendorAdded', ...listed }]);
		expect(listed).toMatchObject({ credentialKeys: ['api key', 'region'], integrationCredentialTemplate: { 'api key': '', region: '' } });
		expect(await trigger.poll()).toBeNull();
	});

	it('vendorChanged: status, type and credential keys with before and after; a rename alone is no change', async () => {
		const trigger = vendorTrigger('vendorChanged');
		await trigger.poll();
		const [first, second] = env.sandbox.state().vendors;
		await admin('PATCH', `/vendors/${first.id}`, { integrationStatus: 'inactive', credentialKeys: ['api key', 'tenant id'] });
		await admin('PATCH', `/vendors/${second.id}`, { integrationType: 'external' });
		await admin('PATCH', `/vendors/${env.sandbox.state().vendors[2].id}`, { name: 'Only Renamed' });
		const items = jsons(await trigger.poll());
		const listed = await listItems({ resource: 'vendor', operation: 'list' });
		expect(items).toEqual([
			{
				event: 'vendorChanged',
				...listed.find((v) => v.id === first.id),
				changes: {
					integrationStatus: { before: first.integrationStatus, after: 'inactive' },
					credentialKeys: {
						before: Object.keys(first.integrationCredentialTemplate),
						after: ['api key', 'tenant id'],
						added: ['tenant id'],
						removed: Object.keys(first.integrationCredentialTemplate).filter((k) => k !== 'api key'),
					},
				},
			},
			{
				event: 'vendorChanged',
				...listed.find((v) => v.id === second.id),
				changes: { integrationType: { before: second.integrationType, after: 'external' } },
			},
		]);
		expect(await trigger.poll()).toBeNull();
	});

	it('vendorChanged ignores added and removed vendors; vendorAdded ignores changes and removals', async () => {
		const changed = vendorTrigger('vendorChanged');
		const added = vendorTrigger('vendorAdded');
		await changed.poll();
		await added.poll();
		const [first, second] = env.sandbox.state().vendors;
		await addVendor({ name: 'Brand New' });
		await admin('DELETE', `/vendors/${first.id}`);
		await admin('PATCH', `/vendors/${second.id}`, { integrationStatus: 'pending' });
		expect(jsons(await changed.poll()).map((v) => [v.event, v.id])).toEqual([['vendorChanged', second.id]]);
		expect(jsons(await added.poll()).map((v) => [v.event, v.name])).toEqual([['vendorAdded', 'Brand New']]);
	});

	it('filters as in Vendor: List: only matching vendors; with a status filter a vendor that changes into it counts as added', async () => {
		const trigger = vendorTrigger('vendorAdded', { filters: { integrationStatus: 'active', nameContains: 'backup' } });
		await trigger.poll();
		await addVendor({ name: 'Cloud BACKUP One', integrationStatus: 'active' });
		await addVendor({ name: 'Cloud Backup Two', integrationStatus: 'pending' });
		await addVendor({ name: 'Some RMM', integrationStatus: 'active' });
		expect(jsons(await trigger.poll()).map((v) => v.name)).toEqual(['Cloud BACKUP One']);
		const pending = env.sandbox.state().vendors.find((v) => v.name === 'Cloud Backup Two')!;
		await admin('PATCH', `/vendors/${pending.id}`, { integrationStatus: 'active' });
		expect(jsons(await trigger.poll()).map((v) => [v.event, v.name])).toEqual([['vendorAdded', 'Cloud Backup Two']]);
		expect(await trigger.poll()).toBeNull();

		const typed = vendorTrigger('vendorChanged', { filters: { integrationType: 'external' } });
		await typed.poll();
		const [hosted] = env.sandbox.state().vendors.filter((v) => v.integrationType === 'custom_hosted');
		const [external] = env.sandbox.state().vendors.filter((v) => v.integrationType === 'external');
		const [other] = env.sandbox.state().vendors.filter((v) => v.integrationType === 'custom_hosted' && v.id !== hosted.id);
		await admin('PATCH', `/vendors/${hosted.id}`, { integrationType: 'external' }); // changes into the filter
		await admin('PATCH', `/vendors/${external.id}`, { integrationStatus: 'pending' }); // matches before and after
		await admin('PATCH', `/vendors/${other.id}`, { integrationStatus: 'pending' }); // never matches
		expect(new Set(jsons(await typed.poll()).map((v) => v.id))).toEqual(new Set([hosted.id, external.id]));
	});
});

describe('an answer that does not say which credential keys a vendor has', () => {
	it('a vendor whose template is missing from one answer keeps its remembered keys: no Vendor Changed, then or after', async () => {
		const trigger = new ActiveTrigger(env.credentials, { event: 'vendorChanged', options: { maxRetries: 0 } });
		await trigger.poll();
		const list = await rawVendorList();
		const target = list.vendors.find((v) => Object.keys((v.integrationCredentialTemplate as object) ?? {}).length > 0)!;
		const { integrationCredentialTemplate: _omitted, ...withoutTemplate } = target;
		const glitched = { vendors: list.vendors.map((v) => (v === target ? withoutTemplate : v)) };
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 200, body: glitched });
		const during = jsons(await trigger.poll().catch(() => null));
		const after = jsons(await trigger.poll());
		// the catalogue never changed: no vendorChanged item at all
		expect([...during, ...after].map((v) => [v.id, (v.changes as IDataObject)?.credentialKeys])).toEqual([]);
	});
});

describe('integration events', () => {
	it('added, changed and removed, each once, shaped like Integration: List items plus vendorName', async () => {
		const { token, values } = organizationWithIntegrations();
		const [northwind, bluefin] = env.sandbox.state().vendors;
		const triggers = {
			integrationAdded: vendorTrigger('integrationAdded', { organizationOemToken: token }),
			integrationChanged: vendorTrigger('integrationChanged', { organizationOemToken: token }),
			integrationRemoved: vendorTrigger('integrationRemoved', { organizationOemToken: token }),
		};
		for (const trigger of Object.values(triggers)) expect(await trigger.poll()).toBeNull();

		const created = await admin('POST', '/integrations', {
			organizationOemToken: token,
			vendorId: northwind.id,
			integrationCredentials: { 'api key': values.northwind },
		});
		const id = (created.integration as IDataObject).id as string;
		const listed = (await listItems({ resource: 'integration', operation: 'list', organizationOemToken: token })).find(
			(i) => i.id === id,
		);
		env.sandbox.clearRequests();
		expect(jsons(await triggers.integrationAdded.poll())).toEqual([
			{ event: 'integrationAdded', ...listed, vendorName: northwind.name },
		]);
		// a change to report: the integration list, then the vendor list for names
		expect(env.sandbox.requests.map((r) => r.path)).toEqual(['/api/oem-api/integration/list', '/api/oem-api/vendor']);
		expect(await triggers.integrationChanged.poll()).toBeNull();
		expect(await triggers.integrationRemoved.poll()).toBeNull();
		env.sandbox.clearRequests();
		expect(await triggers.integrationAdded.poll()).toBeNull();
		expect(env.sandbox.requests.map((r) => r.path)).toEqual(['/api/oem-api/integration/list']);

		await updateIntegration(token, id, { 'api key': values.bluefin, 'api username': 'someone' });
		expect(jsons(await triggers.integrationChanged.poll())).toEqual([
			{
				event: 'integrationChanged',
				...listed,
				integrationCredentialTemplate: [{ 'api key': '', 'api username': '' }].reduce((a, b) => ({ ...a, ...b })),
				credentialKeys: ['api key', 'api username'],
				vendorName: northwind.name,
				changes: { credentialKeys: { before: ['api key'], after: ['api key', 'api username'], added: ['api username'], removed: [] } },
			},
		]);
		expect(await triggers.integrationChanged.poll()).toBeNull();

		// the vendor leaves the catalogue too: the removed item keeps its last known name
		await admin('POST', '/integrations', { organizationOemToken: token, vendorId: bluefin.id });
		await admin('DELETE', `/integrations/${id}`);
		await admin('DELETE', `/vendors/${northwind.id}`);
		expect(jsons(await triggers.integrationRemoved.poll())).toEqual([
			{ event: 'integrationRemoved', id, vendorId: northwind.id, vendorName: northwind.name, credentialKeys: ['api key'] },
		]);
		expect(await triggers.integrationRemoved.poll()).toBeNull();
		expect(jsons(await triggers.integrationAdded.poll()).map((i) => [i.vendorId, i.vendorName])).toEqual([[bluefin.id, bluefin.name]]);
	});

	it('an integration whose template is missing from one answer keeps its remembered keys: no change reported, then or after', async () => {
		const { token } = organizationWithIntegrations();
		const [northwind, bluefin] = env.sandbox.state().vendors;
		await admin('POST', '/integrations', { organizationOemToken: token, vendorId: northwind.id, integrationCredentials: { 'api key': 'k' } });
		await admin('POST', '/integrations', { organizationOemToken: token, vendorId: bluefin.id });
		const trigger = vendorTrigger('integrationChanged', { organizationOemToken: token, options: { maxRetries: 0 } });
		expect(await trigger.poll()).toBeNull();
		const res = await fetch(`${env.sandbox.url}/api/oem-api/integration/list`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...env.sandbox.credentials, grantType: 'client_credentials', organizationOemToken: token }),
		});
		const list = (await res.json()) as { integrations: Array<Record<string, unknown>> };
		const glitched = list.integrations.map(({ integrationCredentialTemplate, ...rest }, i) =>
			i === 0 ? rest : { ...rest, integrationCredentialTemplate },
		);
		env.sandbox.injectNext({ path: '/api/oem-api/integration/list', status: 200, body: { ...list, integrations: glitched } });
		const during = jsons(await trigger.poll().catch(() => null));
		const after = jsons(await trigger.poll());
		expect([...during, ...after]).toEqual([]);
	});

	it('another organization token is a new baseline, not a list of differences', async () => {
		const first = organizationWithIntegrations();
		const other = env.sandbox.createOrganization({ name: 'Second MSP', email: 'owner@second.example' });
		const [vendor] = env.sandbox.state().vendors;
		await admin('POST', '/integrations', { organizationOemToken: first.token, vendorId: vendor.id });
		const trigger = vendorTrigger('integrationRemoved', { organizationOemToken: first.token });
		await trigger.poll();
		trigger.node.parameters.organizationOemToken = other.organizationOemToken;
		expect(await trigger.poll()).toBeNull();
		await admin('POST', '/integrations', { organizationOemToken: other.organizationOemToken, vendorId: vendor.id });
		const added = vendorTrigger('integrationAdded', { organizationOemToken: other.organizationOemToken });
		await added.poll();
		expect(await added.poll()).toBeNull();
	});

	it('an empty Organization OEM Token fails before any request, naming the parameter', async () => {
		const trigger = vendorTrigger('integrationAdded', { organizationOemToken: '  ' });
		env.sandbox.clearRequests();
		await expect(trigger.poll()).rejects.toThrow("The 'Organization OEM Token' parameter is empty");
		expect(env.sandbox.requests).toHaveLength(0);
	});
});

describe('failed polls', () => {
	const FAILURES: Array<[string, () => void, RegExp]> = [
		['a server error on every attempt', () => env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 503, times: 2 }), /server error \(503\) on all 2 attempts/],
		['a rate limit on every attempt', () => env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 429, times: 2, headers: { 'retry-after': '0' } }), /rate limiting requests \(429\) on all 2 attempts/],
		['a reset connection', () => env.sandbox.injectNext({ path: '/api/oem-api/vendor', action: 'reset', times: 2 }), /closed the connection before answering/],
	];

	it.each(FAILURES)('%s: the same error as Vendor: List, nothing emitted, nothing forgotten; the next poll catches up', async (_label, fault, message) => {
		const options = { maxRetries: 1, retryDelay: 0 };
		const trigger = vendorTrigger('vendorAdded', { options });
		await trigger.poll();
		const before = trigger.savedStaticData();
		await addVendor({ id: 'v-during-outage', name: 'Added During Outage' });

		fault();
		const error = await trigger.poll().then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error?.message).toMatch(message);
		fault();
		const { run } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'vendor', operation: 'list', returnAll: true, options: { ...options, concurrency: 1 } },
		});
		expect(error?.message).toBe(run.data.resultData.error?.message);

		const { ticket: _t1, ...rememberedBefore } = before;
		const { ticket: _t2, ...rememberedAfter } = trigger.savedStaticData();
		expect(rememberedAfter).toEqual(rememberedBefore);

		expect(jsons(await trigger.poll()).map((v) => v.id)).toEqual(['v-during-outage']);
		expect(await trigger.poll()).toBeNull();
	});

	it.each<[string, Record<string, unknown>, string]>([
		['a status given as a string ("500")', { status: '500', message: 'Internal error', integrations: [] }, 'with status 500 in its body'],
		['success: false', { success: false, message: 'Organization temporarily unavailable', integrations: [] }, 'with success: false in its body'],
	])('a 200 with %s and an empty list fails the poll instead of reporting every integration removed', async (_label, body, note) => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'Glitch MSP', email: 'o@glitch.example' });
		const [v1, v2] = env.sandbox.state().vendors;
		const i1 = await addIntegration(token, v1.id);
		const i2 = await addIntegration(token, v2.id);
		const trigger = new ActiveTrigger(env.credentials, { event: 'integrationRemoved', organizationOemToken: token, options: { maxRetries: 0 } });
		await trigger.poll();
		env.sandbox.injectNext({ path: '/api/oem-api/integration/list', status: 200, body });
		const outcome = await trigger.poll().then(
			(items) => jsons(items).map((i) => i.id),
			(error: Error) => error.message,
		);
		// either the poll fails, or at least it must not report the organization's integrations as removed
		expect(outcome).not.toEqual([i1, i2]);
		expect(outcome).toEqual(expect.stringContaining(`The API answered HTTP 200, ${note}`));
	});

	it('a hanging vendor list ends the poll at Timeout', async () => {
		const trigger = new ActiveTrigger(env.credentials, { event: 'vendorAdded', options: { maxRetries: 0, timeout: 800 } });
		await trigger.poll();
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', action: 'hang' });
		const started = Date.now();
		await expect(trigger.poll()).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('Retry-After: 3600 does not hold a poll', async () => {
		const trigger = new ActiveTrigger(env.credentials, { event: 'vendorAdded', options: { maxRetries: 2 } });
		await trigger.poll();
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 429, headers: { 'retry-after': '3600' }, times: 3 });
		const started = Date.now();
		await expect(trigger.poll()).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('an error answer echoing the organization token and client secret keeps them out of the poll error', async () => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'Echo MSP', email: 'o@echo.example' });
		const trigger = new ActiveTrigger(env.credentials, { event: 'integrationAdded', organizationOemToken: token, options: { maxRetries: 0 } });
		await trigger.poll();
		const secret = env.sandbox.credentials.clientSecret;
		env.sandbox.injectNext({
			path: '/api/oem-api/integration/list',
			status: 200,
			body: { result: { note: `token ${token} secret ${secret}`, echo: [token, secret] } },
		});
		const error = (await trigger.poll().then(
			() => undefined,
			(e: Error) => e,
		)) as (Error & { description?: string; node?: unknown }) | undefined;
		expect(error).toBeDefined();
		const { node: _node, ...rest } = error as unknown as Record<string, unknown>;
		const text = JSON.stringify([error!.message, error!.description, rest, String(error!.stack)]);
		expect([token, secret].filter((s) => text.includes(s))).toEqual([]);
	});

	it('rejected credentials (401) and a rejected token (403) fail with the action node messages and change nothing', async () => {
		const { token } = organizationWithIntegrations();
		const trigger = vendorTrigger('integrationAdded', { organizationOemToken: token });
		await trigger.poll();
		const before = trigger.savedStaticData();
		const [vendor] = env.sandbox.state().vendors;
		await admin('POST', '/integrations', { organizationOemToken: token, vendorId: vendor.id });

		await expect(trigger.poll({ credentials: { ...env.credentials, clientSecret: 'wrong-secret' } })).rejects.toThrow(
			/Could not list the organization's integrations: the client credentials were rejected \(401\)/,
		);
		trigger.node.parameters.organizationOemToken = 'not-a-token';
		await expect(trigger.poll()).rejects.toThrow(/organization OEM token was rejected \(403\)/);
		trigger.node.parameters.organizationOemToken = token;
		const { ticket: _t1, ...rememberedBefore } = before;
		const { ticket: _t2, ...rememberedAfter } = trigger.savedStaticData();
		expect(rememberedAfter).toEqual(rememberedBefore);

		expect(jsons(await trigger.poll()).map((i) => i.vendorId)).toEqual([vendor.id]);
	});

	it('the vendor list failing after the integration list answered: nothing emitted, caught up next time', async () => {
		const { token } = organizationWithIntegrations();
		const trigger = vendorTrigger('integrationAdded', { organizationOemToken: token, options: { maxRetries: 0 } });
		await trigger.poll();
		const [vendor] = env.sandbox.state().vendors;
		await admin('POST', '/integrations', { organizationOemToken: token, vendorId: vendor.id });
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 500 });
		await expect(trigger.poll()).rejects.toThrow(/Could not list the vendors: the MSPC OEM API failed with a server error \(500\)/);
		expect(jsons(await trigger.poll()).map((i) => i.vendorName)).toEqual([vendor.name]);
	});
});

describe('overlapping polls', () => {
	it('two polls that see the same change emit it once', async () => {
		env.sandbox.setFaults({ latencyMs: 150 });
		const trigger = vendorTrigger('vendorAdded');
		await trigger.poll();
		await addVendor({ id: 'v-overlap', name: 'Overlap' });
		const results = await Promise.all([trigger.poll(), trigger.poll(), trigger.poll()]);
		expect(results.flatMap(jsons).map((v) => v.id)).toEqual(['v-overlap']);
	});

	it('a poll that started earlier but answers later is dropped: no change is undone or repeated', async () => {
		const trigger = vendorTrigger('vendorAdded');
		await trigger.poll();
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const early = trigger.poll({ gate }); // started first, its request held back
		await new Promise((resolve) => setTimeout(resolve, 50));

		await addVendor({ id: 'v-late', name: 'Late' });
		expect(jsons(await trigger.poll()).map((v) => v.id)).toEqual(['v-late']);
		// the held-back request now reads a catalogue without the vendor (as an older answer would)
		await admin('DELETE', '/vendors/v-late');
		release();
		expect(await early).toBeNull();
		await addVendor({ id: 'v-late', name: 'Late' });
		expect(await trigger.poll()).toBeNull();
	});

	it('a later-started integration poll whose list is older (it waited for the vendor list) is dropped: a removal is emitted once', async () => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'Overlap MSP', email: 'o@overlap.example' });
		const [v1, v2, v3] = env.sandbox.state().vendors;
		const i1 = await addIntegration(token, v1.id);
		await addIntegration(token, v2.id);
		const trigger = new ActiveTrigger(env.credentials, {
			event: 'integrationRemoved',
			organizationOemToken: token,
			options: { maxRetries: 1, retryDelay: 1500 },
		});
		expect(await trigger.poll()).toBeNull(); // baseline {i1, i2}

		// poll A (ticket 1): every request held back
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const a = trigger.poll({ gate });
		await sleep(50);

		// poll B (ticket 2): lists {i1, i2, i3} at once; i3 is unknown, so it reads the vendor list,
		// whose first attempt fails (500) and is retried 1.5 s later
		await addIntegration(token, v3.id);
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 500 });
		env.sandbox.clearRequests();
		const b = trigger.poll();
		for (let i = 0; i < 200 && !env.sandbox.requests.some((r) => r.path === '/api/oem-api/vendor'); i++) await sleep(10);
		expect(env.sandbox.requests.map((r) => r.path)).toEqual(['/api/oem-api/integration/list', '/api/oem-api/vendor']);

		// meanwhile i1 is removed; poll A goes on, sees it, emits it and commits {i2, i3}
		await admin('DELETE', `/integrations/${encodeURIComponent(i1)}`);
		release();
		const fromA = jsons(await a).map((i) => i.id);
		// poll B's older list {i1, i2, i3} must not replace that
		const fromB = jsons(await b).map((i) => i.id);
		const fromC = jsons(await trigger.poll()).map((i) => i.id);
		// i1 was removed once: it must be reported once
		expect([...fromA, ...fromB, ...fromC]).toEqual([i1]);
	});
});

describe('restarts: n8n saves static data only after a poll that emits and after the poll at activation', () => {
	/** A poll, n8n restarting (only the second trigger), or a change to the sandbox. */
	type Step = 'poll' | 'restart' | (() => Promise<unknown>);

	/**
	 * The same changes and polls seen by a trigger that keeps running and by one that n8n restarts
	 * at each 'restart' (from the static data it saved): per poll, `event id` of each item.
	 */
	async function withAndWithoutRestarts(parameters: INodeParameters, steps: Step[]) {
		const steady = new N8nPoller(env.credentials, parameters);
		const restarted = new N8nPoller(env.credentials, parameters);
		const emitted = { steady: [] as string[][], restarted: [] as string[][] };
		const summary = (items: INodeExecutionData[] | null) => jsons(items).map((item) => `${item.event} ${item.id}`);
		for (const step of steps) {
			if (step === 'restart') restarted.restart();
			else if (step === 'poll') {
				emitted.steady.push(summary(await steady.poll()));
				emitted.restarted.push(summary(await restarted.poll()));
			} else await step();
		}
		return emitted;
	}

	const addIntegration = async (token: string, vendorId: string) =>
		((await admin('POST', '/integrations', { organizationOemToken: token, vendorId })).integration as IDataObject).id as string;
	const removeIntegration = (id: string) => admin('DELETE', `/integrations/${id}`);

	it('without a restart, every poll compares with the previous one: Integration Removed reports an integration added after the last execution and removed later', async () => {
		const { token } = organizationWithIntegrations();
		const [v1, v2] = env.sandbox.state().vendors;
		await addIntegration(token, v1.id);
		const poller = new N8nPoller(env.credentials, { event: 'integrationRemoved', organizationOemToken: token });
		expect(await poller.poll()).toBeNull();
		const c = await addIntegration(token, v2.id);
		expect(await poller.poll()).toBeNull(); // not saved by n8n: nothing was emitted
		expect(await poller.poll()).toBeNull();
		await removeIntegration(c);
		expect(jsons(await poller.poll()).map((i) => i.id)).toEqual([c]);
		expect(await poller.poll()).toBeNull();
	});

	it('Integration Removed: a restart loses nothing the last emit or activation saved; each removal once, never repeated', async () => {
		const { token } = organizationWithIntegrations();
		const [v1, v2, v3] = env.sandbox.state().vendors;
		const a = await addIntegration(token, v1.id);
		let b = '';
		let c = '';
		const emitted = await withAndWithoutRestarts({ event: 'integrationRemoved', organizationOemToken: token }, [
			'poll', // activation: the baseline {a}, saved
			async () => {
				b = await addIntegration(token, v2.id);
				c = await addIntegration(token, v3.id);
			},
			'poll', // learns b and c (not saved)
			async () => await removeIntegration(a),
			'poll', // reports a; saved with b and c
			'restart',
			async () => await removeIntegration(b), // while n8n is down
			'poll', // the activation poll reports b; saved
			'restart',
			'poll',
			async () => await removeIntegration(c),
			'poll',
			'restart',
			'poll',
		]);
		expect(emitted.restarted).toEqual(emitted.steady);
		expect(emitted.steady).toEqual([[], [], [`integrationRemoved ${a}`], [`integrationRemoved ${b}`], [], [`integrationRemoved ${c}`], []]);
	});

	it('Integration Added and Changed: changes while n8n is down are reported once; the activation poll saves what it learned', async () => {
		const { token } = organizationWithIntegrations();
		const [v1, v2, v3] = env.sandbox.state().vendors;
		const a = await addIntegration(token, v1.id);
		let b = '';
		let c = '';
		const added = await withAndWithoutRestarts({ event: 'integrationAdded', organizationOemToken: token }, [
			'poll',
			async () => (b = await addIntegration(token, v2.id)),
			'poll', // reports b; saved
			'restart',
			'poll', // the activation poll: nothing new
			'restart',
			async () => {
				await updateIntegration(token, a, { 'api key': 'a-1' }); // while n8n is down
				c = await addIntegration(token, v3.id);
			},
			'poll',
			'restart',
			'poll',
		]);
		expect(added.restarted).toEqual(added.steady);
		expect(added.steady).toEqual([[], [`integrationAdded ${b}`], [], [`integrationAdded ${c}`], []]);

		env.sandbox.reset();
		const fresh = organizationWithIntegrations();
		const [w1, w2, w3] = env.sandbox.state().vendors;
		const a2 = await addIntegration(fresh.token, w1.id);
		const changed = await withAndWithoutRestarts({ event: 'integrationChanged', organizationOemToken: fresh.token }, [
			'poll',
			async () => (b = await addIntegration(fresh.token, w2.id)),
			'poll', // learns b (not saved)
			'restart',
			'poll', // the activation poll learns b again, and n8n saves it
			'restart',
			async () => {
				await updateIntegration(fresh.token, a2, { 'api key': 'a-1' }); // while n8n is down
				await updateIntegration(fresh.token, b, { 'api key': 'b-1' });
				await addIntegration(fresh.token, w3.id);
			},
			'poll',
			'restart',
			'poll',
		]);
		expect(changed.restarted).toEqual(changed.steady);
		expect(changed.steady).toEqual([[], [], [], [`integrationChanged ${a2}`, `integrationChanged ${b}`], []]);
	});

	it('Vendor Changed and Vendor Added: changes while n8n is down to what was saved are reported once', async () => {
		const [known] = env.sandbox.state().vendors;
		const changed = await withAndWithoutRestarts({ event: 'vendorChanged' }, [
			'poll',
			async () => await addVendor({ id: 'v-later', name: 'Later Vendor', integrationStatus: 'active' }),
			'poll', // learns v-later (not saved)
			async () => await admin('PATCH', `/vendors/${known.id}`, { integrationStatus: 'inactive' }),
			'poll', // reports the known vendor; saved with v-later
			'restart',
			async () => await admin('PATCH', '/vendors/v-later', { integrationStatus: 'pending' }), // while n8n is down
			'poll',
			'restart',
			'poll',
		]);
		expect(changed.restarted).toEqual(changed.steady);
		expect(changed.steady).toEqual([[], [], [`vendorChanged ${known.id}`], ['vendorChanged v-later'], []]);

		const added = await withAndWithoutRestarts({ event: 'vendorAdded', filters: { integrationStatus: 'active' } }, [
			'poll',
			'restart',
			async () => await addVendor({ id: 'v-while-down', name: 'Added While Down', integrationStatus: 'active' }),
			'poll',
			'restart',
			'poll',
		]);
		expect(added.restarted).toEqual(added.steady);
		expect(added.steady).toEqual([[], ['vendorAdded v-while-down'], []]);
	});

	it('the documented limit: a restart forgets what polls that emitted nothing learned since the last save, so what changes about it while n8n is down is not reported', async () => {
		const { token } = organizationWithIntegrations();
		const [v1, v2] = env.sandbox.state().vendors;
		await addIntegration(token, v1.id);
		let b = '';
		// Integration Removed: b first seen by a quiet poll, removed while n8n is down
		const removed = await withAndWithoutRestarts({ event: 'integrationRemoved', organizationOemToken: token }, [
			'poll',
			async () => (b = await addIntegration(token, v2.id)),
			'poll',
			'restart',
			async () => await removeIntegration(b),
			'poll',
		]);
		expect(removed.steady).toEqual([[], [], [`integrationRemoved ${b}`]]);
		expect(removed.restarted).toEqual([[], [], []]);

		// Integration Changed: b first seen by a quiet poll, changed while n8n is down
		const changed = await withAndWithoutRestarts({ event: 'integrationChanged', organizationOemToken: token }, [
			'poll',
			async () => (b = await addIntegration(token, v2.id)),
			'poll',
			'restart',
			async () => await updateIntegration(token, b, { 'api key': 'b-1' }),
			'poll',
		]);
		expect(changed.steady).toEqual([[], [], [`integrationChanged ${b}`]]);
		expect(changed.restarted).toEqual([[], [], []]);

		// Vendor Changed: a vendor first seen by a quiet poll, changed while n8n is down
		const vendorChanged = await withAndWithoutRestarts({ event: 'vendorChanged' }, [
			'poll',
			async () => await addVendor({ id: 'v-quiet', name: 'Quiet Vendor', integrationStatus: 'active' }),
			'poll',
			'restart',
			async () => await admin('PATCH', '/vendors/v-quiet', { integrationStatus: 'pending' }),
			'poll',
		]);
		expect(vendorChanged.steady).toEqual([[], [], ['vendorChanged v-quiet']]);
		expect(vendorChanged.restarted).toEqual([[], [], []]);

		// Vendor Added: a vendor that left the filtered list (seen by a quiet poll) and is back while n8n is down
		const [active] = env.sandbox.state().vendors.filter((v) => v.integrationStatus === 'active');
		const vendorAdded = await withAndWithoutRestarts({ event: 'vendorAdded', filters: { integrationStatus: 'active' } }, [
			'poll',
			async () => await admin('PATCH', `/vendors/${active.id}`, { integrationStatus: 'pending' }),
			'poll',
			'restart',
			async () => await admin('PATCH', `/vendors/${active.id}`, { integrationStatus: 'active' }),
			'poll',
		]);
		expect(vendorAdded.steady).toEqual([[], [], [`vendorAdded ${active.id}`]]);
		expect(vendorAdded.restarted).toEqual([[], [], []]);
	});

	it('the documented limit: n8n stopping before the save of an emitting poll has landed makes the next start emit its items again, once', async () => {
		const poller = new N8nPoller(env.credentials, { event: 'vendorAdded' });
		expect(await poller.poll()).toBeNull();
		await addVendor({ id: 'v-unsaved', name: 'Unsaved' });
		expect(jsons(await poller.poll({}, { saveLost: true })).map((v) => v.id)).toEqual(['v-unsaved']);
		poller.restart();
		expect(jsons(await poller.poll()).map((v) => v.id)).toEqual(['v-unsaved']);
		poller.restart();
		expect(await poller.poll()).toBeNull();
	});

	it('a poll that fails, or a failed activation after a restart, changes nothing: the next poll reports the change once', async () => {
		const options = { maxRetries: 0 };
		const poller = new N8nPoller(env.credentials, { event: 'vendorAdded', options });
		await poller.poll();
		await addVendor({ id: 'v-after-failures', name: 'After Failures' });
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 503 });
		await expect(poller.poll()).rejects.toThrow(/server error \(503\)/);
		poller.restart();
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 503 });
		await expect(poller.poll()).rejects.toThrow(/server error \(503\)/); // the activation fails; n8n tries again
		expect(jsons(await poller.poll()).map((v) => v.id)).toEqual(['v-after-failures']);
		poller.restart();
		expect(await poller.poll()).toBeNull();
	});
});

describe('Name Contains', () => {
	it('Vendor Added: a vendor renamed into the filter counts as added, also when renamed out and back in', async () => {
		await addVendor({ id: 'v-renamed', name: 'Cloud Store' });
		await addVendor({ id: 'v-back', name: 'Backup Vault' });
		const trigger = vendorTrigger('vendorAdded', { filters: { nameContains: ' BACKUP ' } });
		await trigger.poll();
		await admin('PATCH', '/vendors/v-renamed', { name: 'Cloud Backup Store' });
		expect(jsons(await trigger.poll()).map((v) => [v.event, v.id, v.name])).toEqual([['vendorAdded', 'v-renamed', 'Cloud Backup Store']]);
		await admin('PATCH', '/vendors/v-back', { name: 'Vault' });
		expect(await trigger.poll()).toBeNull();
		await admin('PATCH', '/vendors/v-back', { name: 'Vault Backup' });
		expect(jsons(await trigger.poll()).map((v) => v.id)).toEqual(['v-back']);
	});

	it('Vendor Changed: a vendor renamed out of the filter and changed is reported (it matched before)', async () => {
		await addVendor({ id: 'v-leaving', name: 'Harbor Backup Two', integrationStatus: 'active' });
		const trigger = vendorTrigger('vendorChanged', { filters: { nameContains: 'backup' } });
		await trigger.poll();
		await admin('PATCH', '/vendors/v-leaving', { name: 'Harbor Archive', integrationStatus: 'inactive' });
		expect(jsons(await trigger.poll()).map((v) => [v.id, v.changes])).toEqual([
			['v-leaving', { integrationStatus: { before: 'active', after: 'inactive' } }],
		]);
	});

	it('an edited Name Contains: the first poll records which names match (an edit is not a catalogue change); a rename into it then counts', async () => {
		await addVendor({ id: 'v-edit', name: 'Edit Backup' });
		await addVendor({ id: 'v-store', name: 'Store' });
		const poller = new N8nPoller(env.credentials, { event: 'vendorAdded', filters: { nameContains: 'backup' } });
		await poller.poll();
		poller.trigger.node.parameters.filters = { nameContains: 'edit' };
		poller.restart(); // saving the edited workflow re-activates it
		expect(await poller.poll()).toBeNull();
		await admin('PATCH', '/vendors/v-store', { name: 'Edited Store' });
		await addVendor({ id: 'v-edit-2', name: 'Edit Two' });
		expect(jsons(await poller.poll()).map((v) => v.id)).toEqual(['v-store', 'v-edit-2']);
	});
});

describe('a state stored by the previous format', () => {
	it('format 1 (no name bits) is read, not replaced by a new baseline: the change after it is reported', async () => {
		const poller = new N8nPoller(env.credentials, { event: 'vendorChanged', filters: { nameContains: 'a' } });
		await poller.poll();
		const current = poller.trigger.savedStaticData();
		const formatOne = {
			...current,
			format: 1,
			profiles: (current.profiles as unknown[][]).map((profile) => profile.slice(0, 3)),
		};
		delete (formatOne as IDataObject).nameFilter;
		const vendor = env.sandbox.state().vendors.find((v) => v.name.toLowerCase().includes('a'))!;
		const upgraded = new N8nPoller(env.credentials, { event: 'vendorChanged', filters: { nameContains: 'a' } }, { 'node:MSPC OEM Trigger': formatOne });
		await admin('PATCH', `/vendors/${vendor.id}`, { integrationStatus: 'retired' });
		expect(jsons(await upgraded.poll()).map((v) => v.id)).toEqual([vendor.id]);
		expect(upgraded.savedStaticData).toMatchObject({ format: 2, nameFilter: expect.any(String) });
	});

	it('format 1 with a Name Contains filter: the first poll records the name bits even with nothing to emit', async () => {
		const poller = new N8nPoller(env.credentials, { event: 'vendorAdded', filters: { nameContains: 'store' } });
		await poller.poll();
		const current = poller.trigger.savedStaticData();
		const formatOne = { ...current, format: 1, profiles: (current.profiles as unknown[][]).map((profile) => profile.slice(0, 3)) };
		delete (formatOne as IDataObject).nameFilter;
		await addVendor({ id: 'v-plain', name: 'Plain' });
		const upgraded = new N8nPoller(env.credentials, { event: 'vendorAdded', filters: { nameContains: 'store' } }, { 'node:MSPC OEM Trigger': formatOne });
		expect(await upgraded.poll()).toBeNull();
		expect(upgraded.savedStaticData).toMatchObject({ format: 2, nameFilter: expect.any(String) });
		await admin('PATCH', '/vendors/v-plain', { name: 'Plain Store' });
		expect(jsons(await upgraded.poll()).map((v) => v.id)).toEqual(['v-plain']);
	});
});

describe('secrets', () => {
	it('neither items nor static data hold the client secret, the token or credential values', async () => {
		const { token, values } = organizationWithIntegrations();
		const [a, b] = env.sandbox.state().vendors;
		const triggers = ['integrationAdded', 'integrationChanged', 'integrationRemoved'].map((event) =>
			vendorTrigger(event, { organizationOemToken: token }),
		);
		const vendors = vendorTrigger('vendorChanged');
		for (const trigger of [...triggers, vendors]) await trigger.poll();
		const created = await admin('POST', '/integrations', { organizationOemToken: token, vendorId: a.id, integrationCredentials: { k: values.northwind } });
		await admin('POST', '/integrations', { organizationOemToken: token, vendorId: b.id, integrationCredentials: { k: values.bluefin } });
		await updateIntegration(token, (created.integration as IDataObject).id as string, { k: values.bluefin, other: values.northwind });
		await admin('PATCH', `/vendors/${a.id}`, { integrationStatus: 'inactive' });
		const items: unknown[] = [];
		for (const trigger of [...triggers, vendors]) items.push(await trigger.poll(), await trigger.poll({ mode: 'manual' }));
		expect(items.flat().filter(Boolean).length).toBeGreaterThan(4);
		const text = JSON.stringify([items, ...[...triggers, vendors].map((t) => t.savedStaticData())]);
		expect(findSecrets(text, [env.credentials.clientSecret as string, token, values.northwind, values.bluefin])).toEqual([]);
	});
});

describe('Fetch Test Event (manual mode)', () => {
	it('gives the newest entries as samples and leaves the remembered state alone', async () => {
		const trigger = vendorTrigger('vendorAdded');
		await trigger.poll();
		const before = trigger.savedStaticData();
		await addVendor({ id: 'v-sample-1', name: 'Sample One' });
		await addVendor({ id: 'v-sample-2', name: 'Sample Two' });
		const samples = jsons(await trigger.poll({ mode: 'manual' }));
		expect(samples.map((v) => v.id)).toEqual(['v-sample-2', 'v-sample-1', env.sandbox.state().vendors.at(-3)!.id]);
		expect(samples[0]).toMatchObject({ event: 'vendorAdded', name: 'Sample Two', credentialKeys: [] });
		expect(trigger.savedStaticData()).toEqual(before);
		// the real poll still reports both
		expect(jsons(await trigger.poll()).map((v) => v.id)).toEqual(['v-sample-1', 'v-sample-2']);

		const { token } = organizationWithIntegrations();
		await admin('POST', '/integrations', { organizationOemToken: token, vendorId: 'v-sample-1' });
		const removed = jsons(await vendorTrigger('integrationRemoved', { organizationOemToken: token }).poll({ mode: 'manual' }));
		expect(removed).toEqual([
			{ event: 'integrationRemoved', id: expect.any(String), vendorId: 'v-sample-1', vendorName: 'Sample One', credentialKeys: [] },
		]);
	});
});

describe('a 100,000-vendor catalogue', () => {
	const big = useSandbox({ seed: { vendors: manyVendors(100_000) } });

	it('is remembered in a bounded, small static data; a new vendor is still found', async () => {
		const trigger = new ActiveTrigger(big.credentials, { event: 'vendorChanged' });
		expect(await trigger.poll()).toBeNull();
		const saved = JSON.stringify(trigger.savedStaticData());
		const catalogue = JSON.stringify(big.sandbox.state().vendors);
		console.log(
			`static data for 100,000 vendors: ${saved.length} bytes (${(saved.length / 100_000).toFixed(2)} per vendor); the catalogue as JSON: ${catalogue.length} bytes`,
		);
		expect(saved.length).toBeLessThan(1_000_000);
		const ids = big.sandbox.state().vendors.map((v) => v.id);
		expect(findSecrets(saved, ids.slice(0, 1000))).toEqual([]); // ids are kept as digests

		const changed = ids[54_321];
		const res = await fetch(`${big.sandbox.url}/__admin/vendors/${changed}`, {
			method: 'PATCH',
			body: JSON.stringify({ integrationStatus: 'retired' }),
		});
		expect(res.status).toBe(200);
		expect(jsons(await trigger.poll()).map((v) => [v.id, (v.changes as IDataObject).integrationStatus])).toEqual([
			[changed, { before: expect.any(String), after: 'retired' }],
		]);
	}, 120_000);
});
