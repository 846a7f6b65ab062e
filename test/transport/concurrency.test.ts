/**
 * Many items at once (the "Items at Once" option, `options.concurrency`): how many requests are
 * in flight, and that running items concurrently changes nothing a workflow can see: output
 * order, pairing, Continue On Fail error items, the error reported without it. Behaviour only,
 * no timing assertions: in-flight counts come from the sandbox's request log with a fixed
 * injected latency.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { useSandbox } from '../helpers/useSandbox';
import { runNode } from '../helpers/workflow';
import { bulkIntegrationId, bulkVendorId, bulkSeed, maxInFlight } from '../../scripts/lib/fixtures';
import { updateItem, updateParameters } from './fixtures';

const ITEMS = 50;
const env = useSandbox({ seed: bulkSeed(ITEMS) });

const items = (count: number) => Array.from({ length: count }, (_, i) => updateItem(i));
const plain = (output: INodeExecutionData[]) => output.map(({ json, pairedItem }) => ({ json, pairedItem }));

describe('Items at Once', () => {
	it.each([1, 3, 8])('with latency, %i at once keeps exactly that many requests in flight', async (concurrency) => {
		const latencyMs = 80;
		env.sandbox.setFaults({ latencyMs });
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: updateParameters({ concurrency }),
			items: items(24),
		});
		expect(output).toHaveLength(24);
		expect(env.sandbox.requests).toHaveLength(24);
		expect(maxInFlight(env.sandbox.requests, latencyMs)).toBe(concurrency);
	});

	it('without the option paces itself (Auto): 4 in flight first, more while answers are fast and clean, never over 32', async () => {
		const latencyMs = 80;
		env.sandbox.setFaults({ latencyMs });
		const { output } = await runNode({ credentials: env.credentials, parameters: updateParameters(), items: items(50) });
		expect(output).toHaveLength(50);
		const requests = env.sandbox.requests;
		expect(maxInFlight(requests.slice(0, 4), latencyMs)).toBe(4);
		// The fifth request waits for an answer to the first round.
		expect(requests[4].at - requests[0].at).toBeGreaterThanOrEqual(latencyMs - 5);
		const most = maxInFlight(requests, latencyMs);
		expect(most).toBeGreaterThanOrEqual(8);
		expect(most).toBeLessThanOrEqual(32);
	});

	it('never has more in flight than there are items', async () => {
		const latencyMs = 80;
		env.sandbox.setFaults({ latencyMs });
		await runNode({ credentials: env.credentials, parameters: updateParameters({ concurrency: 50 }), items: items(3) });
		expect(maxInFlight(env.sandbox.requests, latencyMs)).toBe(3);
	});
});

describe('the same result as one at a time', () => {
	// Jitter makes answers arrive out of order, so order must come from the runner, not the network.
	const run = async (concurrency: number, input: object[], continueOnFail = false) => {
		env.sandbox.reset();
		env.sandbox.setFaults({ latencyMs: 5, jitterMs: 40 });
		return await runNode({
			credentials: env.credentials,
			parameters: updateParameters({ concurrency, maxRetries: 0, timeout: 2000 }),
			items: input,
			continueOnFail,
		});
	};

	it('50 updates: same output, order and pairing at 1 and at 10 at once; every integration updated', async () => {
		const input = items(ITEMS);
		const one = await run(1, input);
		const ten = await run(10, input);
		expect(plain(ten.output)).toEqual(plain(one.output));
		expect(plain(ten.output)).toEqual(
			input.map((item, i) => ({ json: { id: item.id, vendorId: bulkVendorId(i) }, pairedItem: { item: i } })),
		);
		expect(env.sandbox.requests).toHaveLength(ITEMS);
		const stored = env.sandbox.state().integrations.filter((entry) => entry.id.startsWith('bulk-int-'));
		for (const item of input) {
			expect(stored.find((entry) => entry.id === item.id)?.credentials).toEqual({ 'api key': item.key, 'api username': item.user });
		}
	});

	/** Items that fail: unknown ids (404 from the API) and an empty id (refused before any request). */
	const withFailures = () => {
		const input: Array<Record<string, string>> = items(ITEMS);
		for (const i of [0, 13, 27, 41]) input[i] = { ...input[i], id: `missing-${i}` };
		for (const i of [6, 49]) input[i] = { ...input[i], id: '' };
		return input;
	};

	it('Continue On Fail: the same error items at the same positions at 1 and at 10 at once', async () => {
		const input = withFailures();
		const one = await run(1, input, true);
		const ten = await run(10, input, true);
		expect(plain(ten.output)).toEqual(plain(one.output));
		expect(ten.output).toHaveLength(ITEMS);
		const failed = ten.output.flatMap((item, i) => (item.json.error ? [i] : []));
		expect(failed).toEqual([0, 6, 13, 27, 41, 49]);
		expect(ten.output[13].json).toMatchObject({ error: expect.stringMatching(/not found \(404\)/), httpCode: '404' });
		expect(ten.output[6].json.error).toBe("The 'Integration' parameter is empty for item 6");
		ten.output.forEach((item, i) => expect(item.pairedItem).toEqual({ item: i }));
		// The other items all ran.
		expect(ten.output.filter((item) => !item.json.error)).toHaveLength(ITEMS - 6);
	});

	it('without Continue On Fail, the first failing item by index is the error, even when a later one fails sooner', async () => {
		const input: Array<Record<string, string>> = items(30);
		// Item 7's request hangs until its timeout; item 12 fails at once (no id, no request sent).
		input[12] = { ...input[12], id: '' };
		input[20] = { ...input[20], id: 'missing-20' };
		const hangItem7 = () =>
			env.sandbox.injectNext({ path: `/api/oem-api/integration/${bulkIntegrationId(7)}`, action: 'hang' });

		env.sandbox.reset();
		hangItem7();
		const one = await runNode({
			credentials: env.credentials,
			parameters: updateParameters({ concurrency: 1, maxRetries: 0, timeout: 1500 }),
			items: input,
		});
		env.sandbox.reset();
		hangItem7();
		const ten = await runNode({
			credentials: env.credentials,
			parameters: updateParameters({ concurrency: 10, maxRetries: 0, timeout: 1500 }),
			items: input,
		});
		const errorOne = one.run.data.resultData.error as Error & { context?: { itemIndex?: number } };
		const errorTen = ten.run.data.resultData.error as Error & { context?: { itemIndex?: number } };
		expect(errorTen.message).toMatch(/did not answer within 1500 ms/);
		expect(errorTen.message).toBe(errorOne.message);
		expect(errorTen.context?.itemIndex).toBe(7);
		expect(errorOne.context?.itemIndex).toBe(7);
		// At 10 at once, item 12 was started (and failed) while item 7 hung; no item after the
		// first failure was started. One at a time stops at item 7.
		const sentTen = env.sandbox.requests.map((r) => r.path.split('/').pop());
		expect(sentTen).toContain(bulkIntegrationId(7));
		expect(sentTen).not.toContain('missing-20');
	});
});

describe('Integration: Update makes one request per item', () => {
	it('even when items repeat the same id and values (writes are never shared)', async () => {
		const same = Array.from({ length: 6 }, () => updateItem(3));
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: updateParameters({ concurrency: 5 }),
			items: same,
		});
		expect(output).toHaveLength(6);
		expect(env.sandbox.requests).toHaveLength(6);
	});
});
