/**
 * Found by the adversarial pass of issue 19: a moment's 429 must not slow the rest of a run, the
 * Rate Limit option's Per takes only its two values, and a known limit above 10,000 is kept.
 */
import { RateLimiter } from '../../nodes/shared/transport/rateLimit';
import { useSandbox } from '../helpers/useSandbox';
import { runNode } from '../helpers/workflow';
import { bulkSeed } from '../../scripts/lib/fixtures';
import { updateItem, updateParameters } from './fixtures';

const ITEMS = 30;
const env = useSandbox({ seed: bulkSeed(ITEMS) });
const input = (count: number) => Array.from({ length: count }, (_, i) => updateItem(i));

describe('the learned limit', () => {
	it(
		'one transient 429 (Retry-After 3) must not pace the rest of a run at 1 request per 3 s',
		async () => {
			// The API has no limit at all; one request is refused once (a burst of another client on a
			// shared quota, a momentary throttle). After waiting it out, the other 28 updates should go at
			// the API's speed. The node instead learns "1 request per 3 s" from the single accepted request
			// before the 429 and never raises it: 30 items take ~90 s, 1,000 items ~50 minutes.
			let sent = 0;
			const stop = new AbortController();
			const timer = setTimeout(() => stop.abort(), 20_000);
			const started = Date.now();
			const { output, task } = await runNode({
				credentials: env.credentials,
				parameters: updateParameters({ concurrency: 1 }),
				items: input(ITEMS),
				cancel: stop.signal,
				beforeRequest: async () => {
					if (++sent === 2) env.sandbox.injectNext({ status: 429, headers: { 'retry-after': '3' } });
				},
			});
			clearTimeout(timer);
			const elapsed = Date.now() - started;
			// Updates the API accepted within 20 s (about 7 now: one per 3 s).
			expect(env.sandbox.requests.filter((r) => r.status === 200).length).toBe(ITEMS);
			expect(task.error?.message).toBeUndefined();
			expect(output).toHaveLength(ITEMS);
			// 3 s of pause plus 30 fast updates.
			expect(elapsed).toBeLessThan(10_000);
		},
		40_000,
	);
});

describe('the Rate Limit option', () => {
	it.each([['constructor'], ['toString'], ['__proto__'], ['hasOwnProperty']])(
		'Per given as %j by an expression is refused before any request, naming the field',
		async (per) => {
			const { task } = await runNode({
				credentials: env.credentials,
				parameters: updateParameters({ rateLimit: { limit: { requests: 1, per: `={{ ${JSON.stringify(per)} }}` } } }),
				items: input(3),
			});
			expect(task.error?.message).toBe(`The 'Rate Limit' option's 'Per' must be Second or Minute, not ${JSON.stringify(per)}`);
			expect(env.sandbox.requests).toEqual([]);
		},
	);
});

describe('the Rate Limit option above 10,000 requests', () => {
	it('a known limit of 20,000 per minute is kept: no more than 20,000 requests go within one minute', () => {
		// Max Requests has no upper bound in the UI; the limiter remembers at most 10,000 requests, so
		// it never sees a window as full and lets every request go.
		const limiter = new RateLimiter({ requests: 20_000, windowMs: 60_000 });
		let now = 1_000_000;
		let sentInWindow = 0;
		for (let i = 0; i < 30_000; i++) {
			if (limiter.delay(now) !== 0) break;
			const sent = limiter.sent(now);
			limiter.answered(sent, now + 1);
			sentInWindow++;
			now += 1; // 30,000 requests within 30 s
		}
		expect(sentInWindow).toBeLessThanOrEqual(20_000);
	});
});
