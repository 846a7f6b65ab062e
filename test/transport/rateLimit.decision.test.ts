/**
 * What a 429 means, decided in one place (rateLimit.ts's decideRetry): whether it is retried, how
 * long it is waited out (Retry-After, else the backoff), that every request waits it out too, and
 * that no such wait outlasts the time the node keeps trying one request. Pure rules, no server:
 * the same 429s against a real server are in test/faults and test/throughput.
 */
import { flowSignalOf } from '../../nodes/shared/transport/flowControl';
import { decideRetry, isRateLimited, isRetryable } from '../../nodes/shared/transport/rateLimit';
import { WINDOW_SPENT, backoff } from '../../nodes/shared/transport/retry';
import { MAX_RETRY_WINDOW_MS } from '../../nodes/shared/transport/settings';
import type { Attempt } from '../../nodes/shared/transport/types';

const settings = { timeout: 1000, maxRetries: 3, retryDelay: 1000 };
const answer = (statusCode: number, retryAfter?: string): Attempt => ({
	response: { statusCode, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter }, body: '' },
});
const decide = (attempt: Attempt, options: { idempotent?: boolean; retry?: number; elapsedMs?: number; random?: number } = {}) =>
	decideRetry({ attempt, settings, idempotent: options.idempotent ?? true, retry: options.retry ?? 0, elapsedMs: options.elapsedMs ?? 0, random: options.random });

describe('a 429', () => {
	it('with Retry-After in seconds is waited out that long, by every request', () => {
		expect(decide(answer(429, '7'))).toEqual({ retry: true, waitMs: 7000, pauseAll: true });
		expect(decide(answer(429, '1.5'))).toEqual({ retry: true, waitMs: 1500, pauseAll: true });
	});

	it('with Retry-After as an HTTP date is waited out until then', () => {
		const decision = decide(answer(429, new Date(Date.now() + 30_000).toUTCString()));
		expect(decision).toEqual({ retry: true, waitMs: expect.any(Number), pauseAll: true });
		// The date is in whole seconds: up to a second earlier than asked for.
		if (decision.retry) expect(decision.waitMs).toBeGreaterThan(28_000);
		if (decision.retry) expect(decision.waitMs).toBeLessThanOrEqual(30_000);
	});

	it('without Retry-After is waited out for the backoff, still by every request', () => {
		expect(decide(answer(429), { retry: 2, random: 0 })).toEqual({ retry: true, waitMs: backoff(2, settings, 0), pauseAll: true });
		expect(decide(answer(429, 'soon'), { random: 1 })).toEqual({ retry: true, waitMs: backoff(0, settings, 1), pauseAll: true });
	});

	it('is waited out only as long as the retry window has left: a longer wait is no retry, and no pause', () => {
		const elapsedMs = MAX_RETRY_WINDOW_MS - 5_000;
		expect(decide(answer(429, '5'), { elapsedMs })).toEqual({ retry: true, waitMs: 5000, pauseAll: true });
		expect(decide(answer(429, '6'), { elapsedMs })).toEqual({ retry: false, stoppedBecause: WINDOW_SPENT });
		expect(decide(answer(429), { elapsedMs: MAX_RETRY_WINDOW_MS - 100, random: 0 })).toEqual({ retry: false, stoppedBecause: WINDOW_SPENT });
		const tooLong = decide(answer(429, String(MAX_RETRY_WINDOW_MS / 1000 + 1)));
		expect(tooLong).toEqual({ retry: false, stoppedBecause: expect.stringContaining('(Retry-After)') });
	});

	it.each([0, 30_000, 60_000, 100_000, 119_000])('after %i ms, no pause reaches past the retry window', (elapsedMs) => {
		for (const retryAfter of [undefined, '0', '1', '20', '60', '119', '120', '121']) {
			for (const retry of [0, 1, 2]) {
				const decision = decide(answer(429, retryAfter), { elapsedMs, retry, random: 1 });
				if (decision.retry) expect(elapsedMs + decision.waitMs).toBeLessThanOrEqual(MAX_RETRY_WINDOW_MS);
			}
		}
	});

	it('by a create (not idempotent) is retried only when the API says when: it refused, so nothing was created', () => {
		expect(decide(answer(429, '2'), { idempotent: false })).toEqual({ retry: true, waitMs: 2000, pauseAll: true });
		expect(decide(answer(429, '0'), { idempotent: false })).toEqual({ retry: true, waitMs: 0, pauseAll: true });
		expect(decide(answer(429), { idempotent: false })).toEqual({ retry: false });
		expect(decide(answer(429, 'soon'), { idempotent: false })).toEqual({ retry: false });
		expect(isRetryable(answer(429, '2'), false)).toBe(true);
		expect(isRetryable(answer(429), false)).toBe(false);
	});

	it('is not retried, and asks for no wait, once Max Retries is used up', () => {
		expect(decide(answer(429, '1'), { retry: settings.maxRetries })).toEqual({ retry: false });
	});

	it('is waited out exactly as a 503 with the same Retry-After or backoff: one wait rule; only a 429 holds every request', () => {
		for (const retryAfter of [undefined, '0', '3', '600']) {
			const rateLimited = decide(answer(429, retryAfter), { retry: 1, random: 0.5 });
			const unavailable = decide(answer(503, retryAfter), { retry: 1, random: 0.5 });
			expect(rateLimited).toEqual(unavailable.retry ? { ...unavailable, pauseAll: true } : unavailable);
			if (unavailable.retry) expect(unavailable.pauseAll).toBe(false);
		}
	});

	it('is what the pace reads as a rate limit, and nothing else is', () => {
		expect(isRateLimited(answer(429))).toBe(true);
		expect(flowSignalOf(answer(429, '1'), 5)).toEqual({ kind: 'rateLimited' });
		for (const attempt of [answer(503, '1'), answer(200), answer(404), { networkCode: 'ECONNRESET' }]) {
			expect(isRateLimited(attempt)).toBe(false);
			expect(flowSignalOf(attempt, 5).kind).not.toBe('rateLimited');
		}
	});
});
