/**
 * The learned limit over simulated time: an API with a sliding-window limit (counted at arrival,
 * 429 + Retry-After in whole seconds beyond it) answers every request at once. What a run sees:
 * how many 429s, and how fast the requests went.
 */
import { MIN_EVIDENCE, RateLimiter } from '../../nodes/shared/transport/rateLimit';

interface Api {
	/** The API's answer at `now`: accepted, or refused with this Retry-After (seconds). */
	answer(now: number): { refused: false } | { refused: true; retryAfter: number };
}

function slidingWindow(quota: number, windowMs: number): Api {
	const accepted: number[] = [];
	return {
		answer(now) {
			while (accepted.length && accepted[0] <= now - windowMs) accepted.shift();
			if (accepted.length < quota) {
				accepted.push(now);
				return { refused: false };
			}
			return { refused: true, retryAfter: Math.ceil((accepted[0] + windowMs - now) / 1_000) };
		},
	};
}

/** Sends `count` requests through the limiter, one per ms at most, refused ones waited out and sent again. */
function run(limiter: RateLimiter, api: Api, count: number, opts: { from?: number } = {}) {
	let now = opts.from ?? 1_000_000;
	const started = now;
	let done = 0;
	let refusals = 0;
	let pausedUntil = 0;
	while (done < count) {
		const delay = limiter.delay(now);
		if (now < pausedUntil || delay !== 0) {
			now = Math.max(now + 1, pausedUntil, typeof delay === 'number' ? now + delay : now + 1);
			continue;
		}
		const sent = limiter.sent(now);
		const answer = api.answer(now);
		if (answer.refused) {
			refusals++;
			pausedUntil = now + answer.retryAfter * 1_000;
			limiter.answered(sent, now, { statusCode: 429, headers: { 'retry-after': String(answer.retryAfter) }, body: {} });
		} else {
			done++;
			limiter.answered(sent, now);
		}
		now += 1;
	}
	return { refusals, ms: now - started, limit: limiter.limit };
}

describe('the learned rate limit', () => {
	it(`a single 429 with fewer than ${MIN_EVIDENCE} accepted requests before it teaches nothing`, () => {
		const limiter = new RateLimiter();
		const first = limiter.sent(0);
		limiter.answered(first, 5);
		const second = limiter.sent(6);
		limiter.answered(second, 8, { statusCode: 429, headers: { 'retry-after': '3' }, body: {} });
		expect(limiter.limit).toBeUndefined();
	});

	it('a limit learned from a moment\'s throttle is raised while the API accepts more: 1,000 requests do not take 1,000 / quota windows', () => {
		const limiter = new RateLimiter();
		// 5 accepted, then one 429 with Retry-After 3 from an API that has no limit after that.
		let now = 0;
		for (let i = 0; i < 5; i++) limiter.answered(limiter.sent(now), ++now);
		limiter.answered(limiter.sent(now), now + 1, { statusCode: 429, headers: { 'retry-after': '3' }, body: {} });
		expect(limiter.limit).toEqual({ requests: 5, windowMs: 3_000 });
		const unlimited: Api = { answer: () => ({ refused: false }) };
		const { refusals, ms, limit } = run(limiter, unlimited, 1_000, { from: now + 3_000 });
		expect(refusals).toBe(0);
		// Without raises: 200 windows of 3 s (600 s). With them: a few dozen seconds.
		expect(ms).toBeLessThan(60_000);
		expect(limit!.requests).toBeGreaterThan(100);
	});

	it('against a real limit, raises cost one 429 each and come ever more rarely', () => {
		const api = slidingWindow(10, 1_000);
		const limiter = new RateLimiter();
		const { refusals, ms } = run(limiter, api, 3_000);
		// The least the limit allows: 300 s. The first episode, then one 429 per raise at 2, 4, 8,
		// 16, 32, 64, 128, 256 windows apart at most.
		expect(ms).toBeLessThan(300_000 * 1.05);
		expect(refusals).toBeLessThanOrEqual(1 + 12);
	});

	it('a known limit is never raised above what the Rate Limit option says', () => {
		const limiter = new RateLimiter({ requests: 10, windowMs: 1_000 });
		const { refusals, limit } = run(limiter, slidingWindow(10, 1_000), 500);
		expect(refusals).toBe(0);
		expect(limit).toEqual({ requests: 10, windowMs: 1_000 });
	});
});
