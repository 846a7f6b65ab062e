/**
 * Adversarial pass over the polling trigger (issue 17). Each `FINDING:` test fails on the current
 * code and shows a broken promise of the README's Trigger section.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ActiveTrigger } from '../helpers/poll';
import { useSandbox } from '../helpers/sandbox';

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

const jsons = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function addIntegration(token: string, vendorId: string): Promise<string> {
	const { integration } = (await admin('POST', '/integrations', { organizationOemToken: token, vendorId })) as {
		integration: { id: string };
	};
	return integration.id;
}

describe('overlapping polls (integration events)', () => {
	it('FINDING: a later-started poll whose older integration list waits for the vendor list undoes an earlier poll’s commit: integrationRemoved is emitted twice', async () => {
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
		// poll B then commits its older list {i1, i2, i3} on top
		const fromB = jsons(await b).map((i) => i.id);
		const fromC = jsons(await trigger.poll()).map((i) => i.id);
		// i1 was removed once: it must be reported once
		expect([...fromA, ...fromB, ...fromC]).toEqual([i1]);
	});
});

describe('2xx answers that report a failure', () => {
	const BODIES: Array<[string, Record<string, unknown>]> = [
		['a status given as a string ("500")', { status: '500', message: 'Internal error', integrations: [] }],
		['success: false', { success: false, message: 'Organization temporarily unavailable', integrations: [] }],
	];

	it.each(BODIES)('FINDING: a 200 with %s and an empty list is not read as "every integration removed"', async (_label, body) => {
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
	});
});

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

describe('an answer that does not say which credential keys a vendor has', () => {
	it('FINDING: a vendor whose template is missing from one 2xx answer is not reported as losing all its keys (and then gaining them back)', async () => {
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

describe('static-data size', () => {
	it('FINDING: 100,000 vendors whose templates name vendor-specific keys stay near the README’s 0.9 MB', () => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { vendorState } = require('../../nodes/OemIntegrationTrigger/state') as typeof import('../../nodes/OemIntegrationTrigger/state');
		const vendors = Array.from({ length: 100_000 }, (_, i) => ({
			id: (0x67ae3bcff05cb32e0000n + BigInt(i)).toString(16).padStart(24, '0'),
			name: `Vendor ${i}`,
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			// real templates often name the vendor: "Acme API key", "Acme tenant id"
			integrationCredentialTemplate: { [`Vendor ${i} API key`]: '', [`Vendor ${i} tenant id`]: '' },
		}));
		const size = JSON.stringify(vendorState(vendors as never, {})).length;
		// README: "A 100,000-vendor catalogue takes about 0.9 MB (9 bytes per vendor)"
		expect(size).toBeLessThan(1_500_000);
	});
});
