/**
 * A rate limit learned from the API's first 429, and one given in advance (the Rate Limit option),
 * against the sandbox's real limits (sliding and fixed windows). Counts and times come from the
 * sandbox's request log; no speed is asserted (bench/ measures it).
 */
import type { INodeParameters } from 'n8n-workflow';

import type { RecordedRequest } from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { runNode } from '../helpers/workflow';
import { bulkSeed } from '../../scripts/lib/fixtures';
import { updateItem, updateParameters } from './fixtures';

const ITEMS = 60;
const env = useSandbox({ seed: bulkSeed(ITEMS) });
const input = (count: number) => Array.from({ length: count }, (_, i) => updateItem(i));

/** The 429s after the first episode: those that reached the API once the first pause had begun. */
function laterRefusals(requests: RecordedRequest[]): RecordedRequest[] {
	const refused = requests.filter((r) => r.status === 429);
	if (refused.length === 0) return [];
	// The first pause is at least a second long (Retry-After is whole seconds): a request sent after
	// the first 429 came back reaches the API after it. Those already in flight came within it.
	return refused.filter((r) => r.at > refused[0].at + 500);
}

/** The most requests the API accepted in any `windowMs` (the window starting at each of them). */
function mostAcceptedInWindow(requests: RecordedRequest[], windowMs: number): number {
	const accepted = requests.filter((r) => r.status === 200).map((r) => r.at);
	let most = 0;
	for (let i = 0, j = 0; i < accepted.length; i++) {
		while (accepted[i] - accepted[j] >= windowMs) j++;
		most = Math.max(most, i - j + 1);
	}
	return most;
}

async function update(count: number, options: INodeParameters = {}) {
	const { output, task } = await runNode({ credentials: env.credentials, parameters: updateParameters(options), items: input(count) });
	expect(task.error?.message).toBeUndefined();
	expect(output.filter((item) => item.json.error !== undefined)).toEqual([]);
	expect(output).toHaveLength(count);
	return env.sandbox.requests;
}

describe('the limit learned from the first 429 (default settings)', () => {
	it.each([
		['a sliding window', false],
		['a fixed window (counted per window of the clock)', true],
	])(
		'%s of 20 per 5 s: every item succeeds, at most 2 more 429s after the first episode',
		async (_, fixed) => {
			env.sandbox.setFaults({ rateLimit: { requests: 20, windowSeconds: 5, fixed } });
			const requests = await update(ITEMS);
			expect(requests.filter((r) => r.status === 429).length).toBeGreaterThan(0); // the limit was met
			expect(laterRefusals(requests).length).toBeLessThanOrEqual(2);
			expect(requests.filter((r) => r.status === 200)).toHaveLength(ITEMS);
		},
		60_000,
	);
});

describe('the Rate Limit option (a limit known in advance)', () => {
	const perSecond = (requests: number) => ({ rateLimit: { limit: { requests, per: 'second' } } });

	it.each([
		['a sliding window', false],
		['a fixed window', true],
	])('set to the limit of %s, no request is refused', async (_, fixed) => {
		env.sandbox.setFaults({ rateLimit: { requests: 10, windowSeconds: 1, fixed } });
		const requests = await update(40, perSecond(10));
		expect(requests.filter((r) => r.status === 429)).toEqual([]);
		expect(requests).toHaveLength(40);
		expect(mostAcceptedInWindow(requests, 1000)).toBeLessThanOrEqual(10);
	});

	it.each([
		[{ requests: 0, per: 'second' }, "The 'Rate Limit' option's 'Max Requests' must be a whole number of 1 or more, not 0"],
		[{ requests: 2.5, per: 'minute' }, "The 'Rate Limit' option's 'Max Requests' must be a whole number of 1 or more, not 2.5"],
		[{ requests: 10, per: 'hour' }, "The 'Rate Limit' option's 'Per' must be Second or Minute, not \"hour\""],
	])('%j is refused before any request, naming the field', async (limit, message) => {
		const { task } = await runNode({ credentials: env.credentials, parameters: updateParameters({ rateLimit: { limit } }), items: input(3) });
		expect(task.error?.message).toBe(message);
		expect(env.sandbox.requests).toEqual([]);
	});
});
