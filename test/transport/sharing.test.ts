/**
 * What items of one execution share: a 429 pause (so a rate limit slows the whole batch instead
 * of every in-flight item hammering on), and the answer of a list request that several items
 * make with the same parameters (a documented choice: one request, the same list for each item).
 */
import type { IDataObject } from 'n8n-workflow';

import { DEMO_ORGANIZATION_TOKEN, OTHER_ORGANIZATION_TOKEN } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { runNode } from '../helpers/workflow';
import { BULK_TOKEN, bulkSeed } from '../../scripts/lib/fixtures';
import { updateItem, updateParameters } from './fixtures';

const ITEMS = 30;
const env = useSandbox({ seed: bulkSeed(ITEMS) });

describe('a rate limit (429 + Retry-After) pauses the whole batch', () => {
	// 5 requests per second; 10 at once; Retry-After tells the remaining window in whole seconds.
	const LIMIT = { requests: 5, windowSeconds: 1 };
	const CONCURRENCY = 10;
	const input = Array.from({ length: ITEMS }, (_, i) => updateItem(i));
	const options = { concurrency: CONCURRENCY, maxRetries: 10, retryDelay: 50 };

	/** 429s answered: every request beyond one per item (nothing else fails here). */
	const rejected = () => env.sandbox.requests.length - ITEMS;
	/** Retry-After windows the run spanned, from the first to the last request. */
	const windows = () => {
		const times = env.sandbox.requests.map((r) => r.at);
		return Math.ceil((Math.max(...times) - Math.min(...times)) / (LIMIT.windowSeconds * 1000)) + 1;
	};

	let shared429s = 0;

	it('one execution at 10 at once: every item succeeds, at most 10 rejections per window', async () => {
		env.sandbox.setFaults({ rateLimit: LIMIT });
		const { output, run } = await runNode({
			credentials: env.credentials,
			parameters: updateParameters(options),
			items: input,
		});
		expect(run.data.resultData.error).toBeUndefined();
		expect(output.map((item) => item.json.id)).toEqual(input.map((item) => item.id));
		shared429s = rejected();
		expect(shared429s).toBeGreaterThan(0); // the limit was hit
		expect(shared429s).toBeLessThanOrEqual(CONCURRENCY * windows());
	}, 60_000);

	it('costs fewer rejections than 10 independent retriers doing the same work', async () => {
		// Ten executions of 3 items each, side by side: each pauses only itself after a 429.
		// Independent retriers honour Retry-After too, then all resume at once; the shared gate
		// resumes with one request and widens gradually, so the API refuses fewer (measured: about
		// half).
		env.sandbox.setFaults({ rateLimit: LIMIT });
		const runs = await Promise.all(
			Array.from({ length: CONCURRENCY }, (_, k) =>
				runNode({
					credentials: env.credentials,
					parameters: updateParameters({ ...options, concurrency: 1 }),
					items: input.slice(k * 3, k * 3 + 3),
				}),
			),
		);
		for (const { run } of runs) expect(run.data.resultData.error).toBeUndefined();
		const independent429s = rejected();
		expect(shared429s).toBeGreaterThan(0);
		expect(shared429s).toBeLessThan(independent429s);
	}, 60_000);
});

describe('list requests shared across items', () => {
	const vendorParameters = (extra: IDataObject = {}) => ({ resource: 'vendor', operation: 'list', returnAll: true, ...extra });
	const integrationParameters = { resource: 'integration', operation: 'list', organizationOemToken: '={{ $json.token }}', returnAll: true };

	it('Vendor: List for 40 items sends one request; every item gets the list, paired to it', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: vendorParameters({ options: { concurrency: 10 } }),
			items: Array.from({ length: 40 }, (_, i) => ({ i })),
		});
		expect(env.sandbox.requests).toHaveLength(1);
		const vendors = env.sandbox.state().vendors.length;
		expect(output).toHaveLength(40 * vendors);
		for (let i = 0; i < 40; i++) {
			const own = output.slice(i * vendors, (i + 1) * vendors);
			expect(own.every((item) => (item.pairedItem as { item: number }).item === i)).toBe(true);
			expect(own.map((item) => item.json.id)).toEqual(output.slice(0, vendors).map((item) => item.json.id));
		}
	});

	it('Vendor: List with per-item filters still sends one request (filters apply to the shared answer)', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: vendorParameters({ filters: { nameContains: '={{ $json.name }}' } }),
			items: [{ name: 'Northwind' }, { name: 'Bluefin' }, { name: 'Bulk Vendor 1' }],
		});
		expect(env.sandbox.requests).toHaveLength(1);
		expect(output.filter((item) => (item.pairedItem as { item: number }).item === 0).map((item) => item.json.name)).toEqual(['Northwind RMM']);
		expect(output.filter((item) => (item.pairedItem as { item: number }).item === 2)).toHaveLength(11); // 1, 10–19
	});

	it("items with their own Max Retries do not share a read: one item's budget never decides another's", async () => {
		// the first two list requests fail: item 0 (no retries) fails, item 1 (3 retries) gets the list
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 500, times: 2 });
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: vendorParameters({ options: { maxRetries: '={{ $json.retries }}', retryDelay: 1 } }),
			items: [{ retries: 0 }, { retries: 3 }],
			continueOnFail: true,
		});
		const ofItem = (i: number) => output.filter((item) => (item.pairedItem as { item: number }).item === i);
		expect(ofItem(0).map((item) => item.json.error)).toEqual(['Could not list the vendors: the MSPC OEM API failed with a server error (500)']);
		expect(ofItem(1)).toHaveLength(env.sandbox.state().vendors.length);
		expect(env.sandbox.requests).toHaveLength(3);
	});

	it('Integration: List for 40 items with the same token sends one request', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { ...integrationParameters, options: { concurrency: 10 } },
			items: Array.from({ length: 40 }, () => ({ token: BULK_TOKEN })),
		});
		// one list, and one vendor list for the vendor names of all items
		expect(env.sandbox.requests.map((r) => r.path)).toEqual(['/api/oem-api/integration/list', '/api/oem-api/vendor']);
		expect(output).toHaveLength(40 * ITEMS);
		expect(output.filter((item) => (item.pairedItem as { item: number }).item === 39)).toHaveLength(ITEMS);
	});

	it('Integration: List with a different token per item sends one request per distinct token', async () => {
		const tokens = [
			BULK_TOKEN,
			OTHER_ORGANIZATION_TOKEN,
			DEMO_ORGANIZATION_TOKEN,
			env.sandbox.createOrganization({ name: 'Fourth MSP', email: 'owner@fourth.example' }).organizationOemToken,
		];
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: integrationParameters,
			items: [...tokens, ...tokens, ...tokens].map((token) => ({ token })),
		});
		const lists = env.sandbox.requests.filter((r) => r.path.endsWith('/integration/list'));
		const sent = lists.map((r) => (r.body as { organizationOemToken: string }).organizationOemToken);
		// and one vendor list (for the vendor names) shared by them all
		expect(env.sandbox.requests.filter((r) => r.path.endsWith('/vendor'))).toHaveLength(1);
		expect(sent.sort()).toEqual([...tokens].sort());
		const countFor = (i: number) => output.filter((item) => (item.pairedItem as { item: number }).item === i).length;
		expect([0, 1, 2, 3].map(countFor)).toEqual([ITEMS, 1, 0, 0]);
		expect([8, 9, 10, 11].map(countFor)).toEqual([ITEMS, 1, 0, 0]);
	});
});

describe('the credential', () => {
	it("is read from n8n's store once per execution, however many items and retries, and still authenticates every request", async () => {
		env.sandbox.injectNext({ status: 503, times: 3 });
		const { output, credentialReads } = await runNode({
			credentials: env.credentials,
			parameters: updateParameters({ retryDelay: 1 }),
			items: Array.from({ length: 12 }, (_, i) => updateItem(i)),
		});
		expect(output).toHaveLength(12);
		expect(env.sandbox.requests).toHaveLength(15);
		expect(credentialReads).toBe(1);
		for (const request of env.sandbox.requests) {
			expect(request.body).toMatchObject({ clientId: env.credentials.clientId, grantType: 'client_credentials' });
		}
	});
});
