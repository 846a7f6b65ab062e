/**
 * What a 429 means, decided here alone: whether the request is retried, how long it is waited out,
 * and that every request of the execution waits it out too (the pause), all within the time the
 * node keeps trying one request (decideRetry); and what it teaches: the API's limit, learned from
 * the first 429 (or given by the Rate Limit option), and the pace that stays under it
 * (RateLimiter). One limiter per execution, shared by all items; nothing outlives the execution.
 * The flow controller asks the limiter when the next request may go.
 *
 * The pace is a client-side sliding-window log: a request goes only while fewer than `requests`
 * of the execution's requests were answered within the last `windowMs`, so once the window is
 * full the next ones go exactly as slots fall out of it (bursts that fit, at the API's own
 * rhythm). It keeps to a sliding window (the Alerts API's kind) and to a fixed one alike, as any
 * fixed window is also a sliding one; a token bucket would not: a full bucket plus its refill lets
 * up to twice the quota into one window. Slots are timed from the answer, not the sending, so the
 * API has always counted a request before its slot is reused.
 *
 * The estimate, at a 429 that carries Retry-After (sent at `s`; the oldest request the API still
 * counts, `a`, is the first one of the current run, or of the last window as learned before):
 * - window ≈ s − a + Retry-After: the API lets the next request through when `a` leaves its
 *   window. `a` is taken at its answer and Retry-After, in whole seconds, is rounded up by the API,
 *   so the window is the shortest whole number of seconds the evidence allows (limits are set in
 *   whole seconds; a guess too short costs one 429 and is re-learned, one too long would slow
 *   every window);
 * - quota = the requests the API accepted within that window up to the refusal (fewer than the
 *   API's quota when other clients share it: what is left is what this client may use).
 * Every further 429 re-learns the same way; the ones of requests already in flight when a 429 came
 * back belong to that episode and only correct its quota. After a quiet spell (no accepted answer
 * for PROBE_GAP_MS) the first request goes alone, so a window guessed too short costs one 429, not
 * a burst of them.
 *
 * A 429 may also be a moment's throttle, or another client's burst on a shared quota: a limit
 * learned from it would slow the rest of the run for good. So a 429 teaches nothing unless at
 * least MIN_EVIDENCE of our requests were accepted in the window (fewer: it is only waited out),
 * and a learned quota is raised while the API accepts it, as TCP probes for bandwidth: after two
 * windows without a 429 by one request, then by twice the last raise each time it held; a 429
 * after a raise goes back to the quota that held (same window), starts the raises again at one,
 * and doubles the time before the next, so against a real limit raises cost one 429 each, ever
 * more rarely.
 */
import { isRetryableFailure, retryAfterMs, waitWithinWindow } from './retry';
import type { RequestSettings } from './settings';
import type { Attempt, RawResponse, RetryDecision } from './types';

/** A 429: the API refused the request (so did nothing) and asks every request to slow down. */
export function isRateLimited(attempt: Attempt): boolean {
	return attempt.response?.statusCode === 429;
}

/**
 * Whether the failure can be retried. A 429 is, by a read or update, and by a create when the API
 * says when (Retry-After): it refused, so nothing was created. Any other failure: retry.ts's rule.
 */
export function isRetryable(attempt: Attempt, idempotent: boolean, serverWaitMs = retryAfterOf(attempt)): boolean {
	if (isRateLimited(attempt)) return idempotent || serverWaitMs !== undefined;
	return isRetryableFailure(attempt, idempotent);
}

/**
 * What to do after a failed attempt, and so the one place that decides what a 429 means for
 * waiting: whether to retry, how long to wait (Retry-After, else the backoff) and whether every
 * request of the execution waits too (`pauseAll`: a 429), all within the time the node keeps trying
 * one request (waitWithinWindow). A wait, the shared pause included, is only ever taken for a
 * retry, so none outlasts that time.
 */
export function decideRetry(options: {
	attempt: Attempt;
	/** 0 for the first retry. */
	retry: number;
	settings: RequestSettings;
	idempotent: boolean;
	/** Milliseconds since the first attempt started. */
	elapsedMs: number;
	random?: number;
}): RetryDecision {
	const { attempt, retry, settings, idempotent, elapsedMs, random } = options;
	const serverWaitMs = retryAfterOf(attempt);
	if (retry >= settings.maxRetries || !isRetryable(attempt, idempotent, serverWaitMs)) return { retry: false };
	const wait = waitWithinWindow({ serverWaitMs, retry, settings, elapsedMs, random });
	return wait.retry ? { ...wait, pauseAll: isRateLimited(attempt) } : wait;
}

/** The wait an answer asks for (Retry-After), if it is an answer and asks. */
function retryAfterOf(attempt: Attempt): number | undefined {
	return attempt.response ? retryAfterMs(attempt.response) : undefined;
}

/** At most `requests` requests in any `windowMs`. */
export interface RateLimit {
	requests: number;
	windowMs: number;
}

/** After this long without an accepted answer, the next request goes alone (see the header). */
export const PROBE_GAP_MS = 1_000;
/** Requests remembered for the estimate: no quota above it can be learned (a known one may be higher). */
const MAX_LOG = 10_000;
/** Accepted requests in the window, at least, for a 429 to teach a limit (see the header). */
export const MIN_EVIDENCE = 2;

/** One request, from its sending to its answer. */
export interface Sent {
	sentAt: number;
	answeredAt?: number;
	/** Answered 429: the API did not count it. */
	refused?: boolean;
}

export class RateLimiter {
	private limitInForce?: RateLimit;
	/** The execution's requests in the order sent, refused ones dropped on their 429. */
	private log: Sent[] = [];
	private lastAcceptedAt = -Infinity;
	/** The 429 episode learned last: when, and from which (earliest) refusal. */
	private episode?: { learnedAt: number; refusedAt: number };
	/** Raising a learned quota (see the header): when it last changed, the next step, raises refused, the quota that held. */
	private raise = { changedAt: 0, step: 1, refused: 0, held: 0 };

	/** `known`: the Rate Limit option; the API's 429s still re-learn it. */
	constructor(private readonly known?: RateLimit) {
		this.limitInForce = known;
	}

	get limit(): RateLimit | undefined {
		return this.limitInForce;
	}

	/** Milliseconds until a request may go (0: now), or 'answer' when only an answer can free a slot. */
	delay(now: number): number | 'answer' {
		const limit = this.limitInForce;
		if (!limit) return 0;
		const expiries: number[] = [];
		let pending = 0;
		for (const sent of this.log) {
			if (sent.refused) continue;
			if (sent.answeredAt === undefined) pending++;
			else if (sent.answeredAt + limit.windowMs > now) expiries.push(sent.answeredAt + limit.windowMs);
		}
		const over = pending + expiries.length - limit.requests;
		if (over < 0) return 0;
		if (over >= expiries.length) return 'answer';
		return expiries.sort((a, b) => a - b)[over] - now;
	}

	/** Whether the next request should go alone: a limit is in force and nothing was accepted lately. */
	shouldProbe(now: number): boolean {
		return this.limitInForce !== undefined && now - this.lastAcceptedAt >= PROBE_GAP_MS;
	}

	sent(now: number): Sent {
		const sent: Sent = { sentAt: now };
		this.log.push(sent);
		this.prune(now);
		return sent;
	}

	/** The answer to a request: a 429's response (learned from), or any other outcome. */
	answered(sent: Sent, now: number, refusal?: RawResponse): void {
		sent.answeredAt = now;
		if (!refusal) {
			this.lastAcceptedAt = now;
			this.raiseLearned(now);
			return;
		}
		sent.refused = true;
		const waitMs = retryAfterMs(refusal, now);
		// A Retry-After of 0 ("try again now") says nothing about a window.
		if (waitMs) this.learn(sent.sentAt, waitMs, wholeSeconds(refusal), now);
	}

	private learn(refusedAt: number, retryAfter: number, rounded: boolean, now: number): void {
		const episode = this.episode;
		if (episode && refusedAt < episode.learnedAt && this.limitInForce) {
			// Already in flight when the episode's first 429 came back: its quota only.
			episode.refusedAt = Math.min(episode.refusedAt, refusedAt);
			this.limitInForce = { ...this.limitInForce, requests: Math.max(1, this.quota(episode.refusedAt, this.limitInForce.windowMs, episode.learnedAt)) };
			return;
		}
		const before = this.limitInForce;
		if (before && episode && this.raise.step > 1) {
			// A raise went too far: back to the quota that held, raised again later and more rarely.
			this.limitInForce = { ...before, requests: this.raise.held };
			this.episode = { learnedAt: now, refusedAt };
			this.raise = { changedAt: now, step: 1, refused: this.raise.refused + 1, held: this.raise.held };
			return;
		}
		// The API still counts requests of its window: with no estimate yet, the whole run so far.
		const since = before ? refusedAt - before.windowMs - 1_000 : -Infinity;
		const oldest = this.log.find((sent) => !sent.refused && sent.sentAt >= since && sent.sentAt < refusedAt);
		if (!oldest) return; // nothing of ours in the window: the pause is all there is to do
		// Timed from the oldest one's answer, the latest the API can have counted it: the shortest window
		// the evidence allows (the API's own clock sits between our sending and the answer).
		const exact = refusedAt - (oldest.answeredAt ?? oldest.sentAt) + retryAfter;
		const windowMs = rounded ? Math.max(1_000, Math.floor(exact / 1_000) * 1_000) : exact;
		const requests = this.quota(refusedAt, windowMs, now);
		if (requests < MIN_EVIDENCE) return; // too little to tell a limit from a moment's throttle
		this.limitInForce = { requests, windowMs };
		this.episode = { learnedAt: now, refusedAt };
		this.raise = { changedAt: now, step: 1, refused: this.raise.refused, held: requests };
	}

	/** Raises a learned quota the API has accepted long enough (see the header). */
	private raiseLearned(now: number): void {
		const limit = this.limitInForce;
		if (!limit || !this.episode) return;
		if (now - this.raise.changedAt < limit.windowMs * 2 ** (1 + this.raise.refused)) return;
		this.limitInForce = { ...limit, requests: Math.min(this.known?.requests ?? MAX_LOG, limit.requests + this.raise.step) };
		this.raise = { ...this.raise, changedAt: now, step: this.raise.step * 2, held: limit.requests };
	}

	/**
	 * The requests the API accepted in its window up to a refusal: those sent within the window before
	 * it and not refused, up to when the refusal came back (the ones in flight beside it may have
	 * reached the API first; the refused ones among them are dropped as their 429s come).
	 */
	private quota(refusedAt: number, windowMs: number, learnedAt: number): number {
		let accepted = 0;
		for (const sent of this.log) if (!sent.refused && sent.sentAt > refusedAt - windowMs && sent.sentAt <= learnedAt) accepted++;
		return accepted;
	}

	/** Drops what no slot or estimate needs any more. */
	private prune(now: number): void {
		const windowMs = this.limitInForce?.windowMs;
		let drop = 0;
		if (windowMs !== undefined) {
			const horizon = now - 2 * windowMs - 1_000;
			while (drop < this.log.length && (this.log[drop].refused || (this.log[drop].answeredAt ?? Infinity) < horizon)) drop++;
		}
		drop = Math.max(drop, this.log.length - Math.max(MAX_LOG, 2 * (this.limitInForce?.requests ?? 0)));
		// In batches, so a long log is not shifted on every request.
		if (drop > 0 && (drop >= 64 || drop === this.log.length)) this.log.splice(0, drop);
	}
}

/** Whether Retry-After is whole seconds (as the API rounds it up), not a fraction. */
function wholeSeconds(response: RawResponse): boolean {
	const header = response.headers['retry-after'];
	return !(Array.isArray(header) ? header[0] : header)?.includes('.');
}
