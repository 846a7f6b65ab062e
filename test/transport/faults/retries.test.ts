/**
 * Retries without harm: reads and updates retry on 429, 5xx and network errors with exponential
 * backoff and jitter, honour Retry-After, stop after Max Retries and within a time window; a
 * create is retried only when the failure proves it was not processed. Under seeded random
 * faults, 1,000 updates all succeed and 200 creates end with no duplicate and no lost item.
 */
import type { INode } from 'n8n-workflow';

import { DEFAULT_SEED, startSandbox, type RunningSandbox, type SandboxSeed } from '../../../sandbox';
import { runNode } from '../../helpers/workflow';
import { FREE_VENDOR_ID, INTEGRATION_ID, SECRETS, params, run, useFaultSandbox } from './harness';

const MAX_RETRY_WINDOW_S = 120;

describe('retry rules', () => {
	const h = useFaultSandbox();
	const gaps = () => h.sandbox.requests.slice(1).map((r, i) => r.at - h.sandbox.requests[i].at);

	test.each(['vendorList', 'integrationList', 'update'] as const)(
		'%s: 5xx three times, then success: exponential backoff with jitter between the attempts',
		async (op) => {
			h.sandbox.injectNext({ status: 500, times: 1 });
			h.sandbox.injectNext({ status: 503, times: 1 });
			h.sandbox.injectNext({ status: 502, times: 1 });
			const outcome = await run(h, { parameters: params(op, { options: { maxRetries: 3, retryDelay: 60 } }) });
			expect(outcome.error).toBeUndefined();
			// Integration: List then fetches the vendor names once: not part of the retried request.
			const attempts = outcome.requests.filter((r) => op === 'vendorList' || !r.path.endsWith('/vendor'));
			expect(attempts).toHaveLength(4);
			// Retry k waits between half and all of retryDelay * 2^k.
			attempts.slice(1).map((r, i) => r.at - attempts[i].at).forEach((gap, k) => {
				expect(gap).toBeGreaterThanOrEqual(0.5 * 60 * 2 ** k - 5);
				expect(gap).toBeLessThan(60 * 2 ** k + 150);
			});
		},
	);

	test('the waits are jittered: the same retry waits differently across runs', async () => {
		const firstGaps: number[] = [];
		for (let i = 0; i < 6; i++) {
			h.sandbox.injectNext({ status: 500 });
			const outcome = await run(h, { parameters: params('vendorList', { options: { maxRetries: 1, retryDelay: 200 } }) });
			expect(outcome.error).toBeUndefined();
			firstGaps.push(gaps()[0]);
		}
		for (const gap of firstGaps) expect(gap).toBeGreaterThanOrEqual(95);
		expect(Math.max(...firstGaps) - Math.min(...firstGaps)).toBeGreaterThan(5);
	});

	test.each(['vendorList', 'update', 'create'] as const)('%s: a 429 with Retry-After (seconds) is waited out and retried (a create too: the 429 proves it was not processed)', async (op) => {
		// Fractional seconds keep this fast; whole seconds and dates are parsed in test/transport/rules.test.ts.
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '0.3' } });
		const outcome = await run(h, { parameters: params(op, { options: { maxRetries: 1, retryDelay: 1 } }) });
		expect(outcome.error).toBeUndefined();
		expect(outcome.requests).toHaveLength(2);
		expect(gaps()[0]).toBeGreaterThanOrEqual(290);
		if (op === 'create') {
			expect(h.sandbox.state().integrations.filter((i) => i.vendorId === FREE_VENDOR_ID && i.credentials['api key'] === SECRETS.value1)).toHaveLength(1);
		}
	});

	test('Retry-After as an HTTP date is honoured', async () => {
		h.sandbox.injectNext({ status: 503, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } });
		const outcome = await run(h, { parameters: params('update', { options: { maxRetries: 1, retryDelay: 1 } }) });
		expect(outcome.error).toBeUndefined();
		expect(gaps()[0]).toBeGreaterThanOrEqual(900);
	});

	test('a Retry-After beyond the retry window stops at once and says why', async () => {
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '3600' }, times: 2 });
		const outcome = await run(h, { parameters: params('update', { options: { maxRetries: 5 } }) });
		expect(outcome.requests).toHaveLength(1);
		expect(outcome.elapsedMs).toBeLessThan(2000);
		expect(outcome.error?.message).toContain(
			`Could not update the integration: the MSPC OEM API is rate limiting requests (429). Stopped retrying: the API asked to wait 3600 s (Retry-After) before trying again, longer than the node waits (${MAX_RETRY_WINDOW_S} s)`,
		);
	});

	test.each([0, 1, 5])('Max Retries %i: that many retries after the first attempt, then the error', async (maxRetries) => {
		h.sandbox.injectNext({ status: 500, times: 20 });
		const outcome = await run(h, { parameters: params('integrationList', { options: { maxRetries, retryDelay: 1 } }) });
		expect(outcome.requests).toHaveLength(maxRetries + 1);
		expect(outcome.error?.message).toContain('failed with a server error (500)');
	});

	test('Max Retries from an expression out of range is held to 10', async () => {
		h.sandbox.injectNext({ status: 500, times: 50 });
		const outcome = await run(h, { parameters: params('vendorList', { options: { maxRetries: '={{ 1000 }}', retryDelay: 0 } }) });
		expect(outcome.requests).toHaveLength(11);
	});

	test.each([
		['a connection reset', { action: 'reset' as const }],
		['a timeout', { action: 'hang' as const }],
		['a 500', { status: 500 }],
	])('update: %s, then success', async (_name, fault) => {
		h.sandbox.injectNext(fault);
		const outcome = await run(h, { parameters: params('update', { options: { timeout: 200 } }) });
		expect(outcome.error).toBeUndefined();
		expect(outcome.requests).toHaveLength(2);
		expect(h.sandbox.state().integrations.find((i) => i.id === INTEGRATION_ID)?.credentials['api key']).toBe(SECRETS.value1);
	});

	test.each([
		['a connection reset', { action: 'reset' as const }, 'closed the connection before answering'],
		['a timeout', { action: 'hang' as const }, 'did not answer within 200 ms'],
		['a 500', { status: 500 }, 'failed with a server error (500)'],
		['a 503 with Retry-After', { status: 503, headers: { 'retry-after': '0' } }, 'failed with a server error (503)'],
		['a 429 without Retry-After', { status: 429 }, 'nothing was done'],
	])('create: %s is not retried, and the outcome is stated', async (_name, fault, text) => {
		h.sandbox.injectNext(fault);
		const outcome = await run(h, { parameters: params('create', { options: { timeout: 200, maxRetries: 5 } }) });
		expect(outcome.requests).toHaveLength(1);
		expect(outcome.error?.message).toContain(text);
	});

	test('create: processed, but the answer lost (500 after the fact): reported as uncertain, exists once', async () => {
		h.sandbox.injectNext({ status: 500, phase: 'after' });
		const outcome = await run(h, { parameters: params('create', { options: { maxRetries: 5 } }) });
		expect(outcome.requests).toHaveLength(1);
		expect(outcome.error?.message).toContain('The integration may have been created anyway: check with Integration: List');
		expect(h.sandbox.state().integrations.filter((i) => i.vendorId === FREE_VENDOR_ID && i.credentials['api key'] === SECRETS.value1)).toHaveLength(1);
	});
});

// ---------------------------------------------------------------------------------------------
// Many items under seeded random faults: 10 % 5xx, 5 % 429.
// ---------------------------------------------------------------------------------------------

const ORGS = 200;
const VENDORS = DEFAULT_SEED.vendors.slice(0, 5).map((v) => v.id);
const token = (org: number) => `load-org-token-${org}`;
const integrationId = (org: number, vendor: number) => `load-${String(org).padStart(3, '0')}-${vendor}`;

function loadSeed(withIntegrations: boolean): SandboxSeed {
	return {
		vendors: DEFAULT_SEED.vendors,
		organizations: Array.from({ length: ORGS }, (_, org) => ({
			name: `Load Org ${org}`,
			email: `owner@load-${org}.example`,
			vendorOrganizationId: `load-org-${org}`,
			organizationOemToken: token(org),
			integrations: withIntegrations
				? VENDORS.map((vendorId, vendor) => ({ id: integrationId(org, vendor), vendorId, integrationCredentials: { 'api key': 'before' } }))
				: [],
		})),
	};
}

const RANDOM_FAULTS = { errorRate: 0.1, throttleRate: 0.05, retryAfterSeconds: 0 };

async function runLoad(sandbox: RunningSandbox, parameters: INode['parameters'], items: object[]) {
	return await runNode({
		credentials: {
			baseUrl: sandbox.url,
			clientId: sandbox.credentials.clientId,
			clientSecret: sandbox.credentials.clientSecret,
			scope: sandbox.credentials.scope,
		},
		parameters,
		items,
		continueOnFail: true,
	});
}

describe('1,000 updates under random faults', () => {
	let sandbox: RunningSandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ seed: loadSeed(true), faults: RANDOM_FAULTS, randomSeed: 1234 });
	});
	afterAll(async () => await sandbox.stop());

	test('end with exactly 1,000 successes, each stored', async () => {
		const items = Array.from({ length: ORGS * VENDORS.length }, (_, i) => {
			const org = Math.floor(i / VENDORS.length);
			const vendor = i % VENDORS.length;
			return { token: token(org), id: integrationId(org, vendor), value: `after-${i}` };
		});
		const { output } = await runLoad(
			sandbox,
			{
				resource: 'integration',
				operation: 'update',
				organizationOemToken: '={{ $json.token }}',
				integrationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api key', value: '={{ $json.value }}' }] },
				options: { concurrency: 20, maxRetries: 10, retryDelay: 1, timeout: 5000 },
			},
			items,
		);
		expect(output.filter((item) => item.json.error !== undefined)).toEqual([]);
		expect(output).toHaveLength(1000);
		output.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json.id).toBe(items[i].id);
		});
		const stored = new Map(sandbox.state().integrations.map((i) => [i.id, i.credentials['api key']]));
		for (const item of items) expect(stored.get(item.id)).toBe(item.value);
		// The faults did happen: well over a hundred requests were answered 5xx or 429 and retried.
		expect(sandbox.requests.length).toBeGreaterThan(1000 + 100);
	});
});

describe.each(['before', 'after'] as const)('200 creates under random faults (5xx %s processing)', (faultPhase) => {
	let sandbox: RunningSandbox;
	beforeAll(async () => {
		sandbox = await startSandbox({ seed: loadSeed(false), faults: { ...RANDOM_FAULTS, faultPhase }, randomSeed: 99 });
	});
	afterAll(async () => await sandbox.stop());

	test('end with no duplicate and no lost item', async () => {
		const items = Array.from({ length: ORGS }, (_, org) => ({ token: token(org), value: `created-${org}` }));
		const { output } = await runLoad(
			sandbox,
			{
				resource: 'integration',
				operation: 'create',
				organizationOemToken: '={{ $json.token }}',
				vendorId: { __rl: true, mode: 'id', value: FREE_VENDOR_ID },
				credentialsMode: 'keyValue',
				credentialValues: { values: [{ key: 'api key', value: '={{ $json.value }}' }] },
				options: { concurrency: 10, maxRetries: 10, retryDelay: 1, timeout: 5000 },
			},
			items,
		);
		expect(output).toHaveLength(ORGS);

		const state = sandbox.state();
		const orgIdByToken = new Map(state.organizations.map((o) => [o.organizationOemToken, o.id]));
		const existing = (org: number) =>
			state.integrations.filter((i) => i.organizationId === orgIdByToken.get(token(org)) && i.vendorId === FREE_VENDOR_ID);

		let succeeded = 0;
		let uncertain = 0;
		output.forEach((item, org) => {
			expect(item.pairedItem).toEqual({ item: org });
			const found = existing(org);
			expect(found.length).toBeLessThanOrEqual(1); // never twice
			if (item.json.error === undefined) {
				succeeded++;
				expect(found).toHaveLength(1);
				expect(found[0].id).toBe(item.json.id);
				expect(found[0].credentials['api key']).toBe(`created-${org}`);
			} else {
				uncertain++;
				// A 5xx on a create is never retried: the item says so, and the state agrees with the phase.
				expect(item.json.error).toContain('failed with a server error');
				expect(item.json.error).toContain('The integration may have been created anyway: check with Integration: List');
				expect(item.json.error).not.toContain('(409)');
				expect(found).toHaveLength(faultPhase === 'after' ? 1 : 0);
			}
		});
		expect(succeeded + uncertain).toBe(ORGS);
		expect(uncertain).toBeGreaterThan(0);
		expect(state.integrations.filter((i) => i.vendorId === FREE_VENDOR_ID)).toHaveLength(succeeded + (faultPhase === 'after' ? uncertain : 0));
		// Only 429s (all with Retry-After) were retried: one create request per item plus one per 429.
		const creates = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/api/oem-api/integration');
		expect(creates.length).toBeGreaterThanOrEqual(ORGS);
		expect(creates.length).toBeLessThan(ORGS * 1.15);
	});
});
