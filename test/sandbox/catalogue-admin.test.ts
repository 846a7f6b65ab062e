/**
 * The admin routes that change the catalogue and organizations' integrations (what the trigger
 * watches): each change shows in the API's own lists, bad input is refused with 400/404/409,
 * and only loopback clients are answered, under a loopback Host and without an Origin (web page).
 */
import {
	DEFAULT_SEED,
	DEMO_ORGANIZATION_ID,
	DEMO_ORGANIZATION_TOKEN,
	OTHER_ORGANIZATION_INTEGRATION_ID,
	OTHER_ORGANIZATION_TOKEN,
} from '../../sandbox';
import { handleAdmin, type AdminControls } from '../../sandbox/admin';
import { Store } from '../../sandbox/domain';
import { useSandbox } from '../helpers/useSandbox';
import { API, call, creds, rawRequest } from './httpClient';

const running = useSandbox();

const vendors = async () => (await call(running.sandbox, 'POST', `${API}/vendor`, creds(running.sandbox))).json.vendors as Array<Record<string, unknown>>;
/** The integrations of an organization as Integration: List gives them (the other seed organization has one). */
const integrations = async (token = DEMO_ORGANIZATION_TOKEN) =>
	(await call(running.sandbox, 'POST', `${API}/integration/list`, { ...creds(running.sandbox), organizationOemToken: token })).json
		.integrations as Array<{ id: string; vendorId: string; integrationCredentialTemplate: unknown }>;

describe('vendors', () => {
	it('POST adds a vendor, listed last by Vendor: List, with a 24-hex id when none is given', async () => {
		const before = await vendors();
		const r = await call(running.sandbox, 'POST', '/__admin/vendors', {
			name: 'Added Vendor',
			integrationStatus: 'pending',
			credentialKeys: ['api key', '__proto__'],
		});
		expect(r.status).toBe(201);
		expect(r.json.vendor.id).toMatch(/^[0-9a-f]{24}$/);
		const after = await vendors();
		expect(after).toHaveLength(before.length + 1);
		expect(after.at(-1)).toEqual({
			id: r.json.vendor.id,
			name: 'Added Vendor',
			integrationStatus: 'pending',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: JSON.parse('{"api key":"","__proto__":""}'),
		});
	});

	it('POST with a fixed id; the same id again is 409', async () => {
		expect((await call(running.sandbox, 'POST', '/__admin/vendors', { id: 'v-fixed', name: 'Fixed' })).status).toBe(201);
		const again = await call(running.sandbox, 'POST', '/__admin/vendors', { id: 'v-fixed', name: 'Fixed again' });
		expect(again.status).toBe(409);
		expect(again.json.message).toContain('v-fixed');
	});

	it('PATCH changes status, type, name and credential keys; the other fields stay', async () => {
		const [first] = await vendors();
		const r = await call(running.sandbox, 'PATCH', `/__admin/vendors/${first.id}`, {
			integrationStatus: 'inactive',
			credentialKeys: ['tenant id'],
		});
		expect(r.status).toBe(200);
		const [changed] = await vendors();
		expect(changed).toEqual({
			...first,
			integrationStatus: 'inactive',
			integrationCredentialTemplate: { 'tenant id': '' },
		});
		await call(running.sandbox, 'PATCH', `/__admin/vendors/${first.id}`, { name: 'Renamed', integrationType: 'external' });
		expect((await vendors())[0]).toMatchObject({ name: 'Renamed', integrationType: 'external', integrationStatus: 'inactive' });
	});

	it('DELETE removes the vendor from Vendor: List; integrations with it stay listed', async () => {
		const [first] = await integrations(OTHER_ORGANIZATION_TOKEN);
		const r = await call(running.sandbox, 'DELETE', `/__admin/vendors/${encodeURIComponent(first.vendorId)}`);
		expect(r.status).toBe(200);
		expect((await vendors()).map((v) => v.id)).not.toContain(first.vendorId);
		expect((await integrations(OTHER_ORGANIZATION_TOKEN)).map((i) => i.id)).toContain(first.id);
		expect((await call(running.sandbox, 'DELETE', `/__admin/vendors/${encodeURIComponent(first.vendorId)}`)).status).toBe(404);
	});

	it('refuses bad bodies with 400 and unknown ids with 404', async () => {
		expect((await call(running.sandbox, 'POST', '/__admin/vendors', { integrationStatus: 'active' })).status).toBe(400);
		expect((await call(running.sandbox, 'POST', '/__admin/vendors', { name: 'X', credentialKeys: 'api key' })).status).toBe(400);
		expect((await call(running.sandbox, 'POST', '/__admin/vendors', '{not json')).status).toBe(400);
		expect((await call(running.sandbox, 'PATCH', '/__admin/vendors/nope', { name: 'X' })).status).toBe(404);
		expect((await call(running.sandbox, 'PATCH', '/__admin/vendors/%E0%A4%A', { name: 'X' })).status).toBe(400);
		expect((await call(running.sandbox, 'PUT', '/__admin/vendors/nope', {})).status).toBe(405);
	});
});

describe('integrations', () => {
	it('POST gives an organization an integration (by token or by id); Integration: List shows its keys only', async () => {
		const added = await call(running.sandbox, 'POST', '/__admin/vendors', { id: 'v-new', name: 'New', credentialKeys: ['k'] });
		expect(added.status).toBe(201);
		const r = await call(running.sandbox, 'POST', '/__admin/integrations', {
			organizationOemToken: DEMO_ORGANIZATION_TOKEN,
			vendorId: 'v-new',
			integrationCredentials: { k: 'stored-value-123' },
		});
		expect(r.status).toBe(201);
		expect(r.json.integration).toEqual({ id: expect.any(String), vendorId: 'v-new', organizationId: DEMO_ORGANIZATION_ID });
		const listed = (await integrations()).find((i) => i.id === r.json.integration.id);
		expect(listed).toEqual({ id: r.json.integration.id, vendorId: 'v-new', integrationCredentialTemplate: [{ k: '' }] });

		await call(running.sandbox, 'POST', '/__admin/vendors', { id: 'v-new2', name: 'New 2' });
		const byId = await call(running.sandbox, 'POST', '/__admin/integrations', { organizationId: DEMO_ORGANIZATION_ID, vendorId: 'v-new2' });
		expect(byId.status).toBe(201);
		expect((await integrations()).map((i) => i.vendorId)).toContain('v-new2');
	});

	it('POST refuses an unknown organization (404), an unknown vendor (404) and a second integration for a vendor (409)', async () => {
		const [first] = await integrations(OTHER_ORGANIZATION_TOKEN);
		expect((await call(running.sandbox, 'POST', '/__admin/integrations', { organizationOemToken: 'nope', vendorId: first.vendorId })).status).toBe(404);
		expect((await call(running.sandbox, 'POST', '/__admin/integrations', { organizationOemToken: DEMO_ORGANIZATION_TOKEN, vendorId: 'nope' })).status).toBe(404);
		expect((await call(running.sandbox, 'POST', '/__admin/integrations', { organizationOemToken: OTHER_ORGANIZATION_TOKEN, vendorId: first.vendorId })).status).toBe(409);
		expect(
			(await call(running.sandbox, 'POST', '/__admin/integrations', { organizationOemToken: DEMO_ORGANIZATION_TOKEN, vendorId: 'v', integrationCredentials: { k: 1 } }))
				.status,
		).toBe(400);
	});

	it('DELETE removes an integration from Integration: List; again is 404', async () => {
		const [first] = await integrations(OTHER_ORGANIZATION_TOKEN);
		const r = await call(running.sandbox, 'DELETE', `/__admin/integrations/${first.id}`);
		expect(r.status).toBe(200);
		expect(r.json.integration).toEqual({ id: OTHER_ORGANIZATION_INTEGRATION_ID, vendorId: first.vendorId, organizationId: expect.any(String) });
		expect((await integrations(OTHER_ORGANIZATION_TOKEN)).map((i) => i.id)).not.toContain(first.id);
		expect((await call(running.sandbox, 'DELETE', `/__admin/integrations/${first.id}`)).status).toBe(404);
	});
});

describe('access', () => {
	it('answers loopback clients only: another address gets 403 and nothing changes', () => {
		const store = new Store(DEFAULT_SEED);
		const controls = { store } as unknown as AdminControls;
		const before = store.listVendors().length;
		const denied = handleAdmin(controls, { address: '192.168.1.2', host: 'localhost' }, 'POST', '/__admin/vendors', JSON.stringify({ name: 'From outside' }));
		expect(denied.status).toBe(403);
		expect(store.listVendors()).toHaveLength(before);
		const allowed = handleAdmin(controls, { address: '::ffff:127.0.0.1', host: 'localhost' }, 'POST', '/__admin/vendors', JSON.stringify({ name: 'From here' }));
		expect(allowed.status).toBe(201);
		expect(store.listVendors()).toHaveLength(before + 1);
	});

	/** A vendor added first shows whether a refused reset wiped the state. */
	const marked = async () => {
		await call(running.sandbox, 'POST', '/__admin/vendors', { id: 'v-marker', name: 'Marker' });
		return async () => (await vendors()).some((v) => v.id === 'v-marker');
	};

	it('refuses a Host that is not a loopback name (a DNS-rebinding page): 403, state not read nor reset', async () => {
		const stillThere = await marked();
		for (const host of ['evil.example', `evil.example:${running.sandbox.port}`, '127.0.0.1.evil.example', 'localhost.evil.example', '[::2]:80', '10.0.0.1', '127.0.0.1:80@evil.example']) {
			const read = await rawRequest(running.sandbox.url, 'GET', '/__admin/state', undefined, { host });
			expect({ host, status: read.status }).toEqual({ host, status: 403 });
			expect(JSON.parse(read.text)).toEqual({ status: 403, message: expect.stringMatching(/Host header must be localhost/) });
			expect(read.text).not.toContain(DEMO_ORGANIZATION_TOKEN);
			const reset = await rawRequest(running.sandbox.url, 'POST', '/__admin/reset', '{}', { host, 'content-type': 'text/plain' });
			expect(reset.status).toBe(403);
		}
		expect(await stillThere()).toBe(true);
	});

	it('answers every loopback Host name, with or without a port', async () => {
		for (const host of ['localhost', `LocalHost:${running.sandbox.port}`, '127.0.0.1', `127.0.0.1:${running.sandbox.port}`, '127.1.2.3:80', '[::1]', `[::1]:${running.sandbox.port}`]) {
			const read = await rawRequest(running.sandbox.url, 'GET', '/__admin/state', undefined, { host });
			expect({ host, status: read.status }).toEqual({ host, status: 200 });
		}
	});

	it('refuses any admin request with an Origin header, a loopback page\'s too: a cross-site text/plain POST cannot reset', async () => {
		const stillThere = await marked();
		for (const origin of ['https://evil.example', `http://127.0.0.1:${running.sandbox.port}`, 'http://localhost:5678', 'null']) {
			const reset = await rawRequest(running.sandbox.url, 'POST', '/__admin/reset', '{}', { origin, 'content-type': 'text/plain' });
			expect({ origin, status: reset.status }).toEqual({ origin, status: 403 });
			expect(JSON.parse(reset.text)).toEqual({ status: 403, message: expect.stringMatching(/Origin/) });
			expect((await rawRequest(running.sandbox.url, 'GET', '/__admin/state', undefined, { origin })).status).toBe(403);
		}
		expect(await stillThere()).toBe(true);
	});

	it('refuses API requests with an Origin header too (a web page cannot write through the fake API)', async () => {
		const organizations = () => running.sandbox.state().organizations.length;
		const before = organizations();
		const body = JSON.stringify({ ...creds(running.sandbox), data: { name: 'From a page', email: 'page@evil.example' } });
		const posted = await rawRequest(running.sandbox.url, 'POST', `${API}/organization`, body, { origin: 'https://evil.example', 'content-type': 'text/plain' });
		expect(posted.status).toBe(403);
		expect(JSON.parse(posted.text)).toEqual({ status: 403, message: expect.stringMatching(/Origin/) });
		expect(organizations()).toBe(before);
		expect((await rawRequest(running.sandbox.url, 'POST', `${API}/organization`, body)).status).toBe(201);
		expect(organizations()).toBe(before + 1);
	});
});
