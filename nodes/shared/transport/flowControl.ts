import { CANCELED_CODE, NOT_SENT_CODES, UNREACHABLE_CODES } from './networkErrors';
import { RateLimiter, isRateLimited, type RateLimit } from './rateLimit';
import type { Attempt, RawResponse } from './types';
import { waitFor } from './wait';

/** How many requests Auto starts with, and the most it ever lets run at once. */
export const AUTO_START = 4;
export const AUTO_MAX = 32;
/**
 * Answers slower than this multiple of the fastest one seen, plus the slack, mean a queue is
 * building up at the API. Generous on purpose: the latency seen here includes n8n's own work on
 * the other requests in flight (measured: about 2 ms each), which is no reason to slow down.
 */
export const LATENCY_TOLERANCE = 3;
export const LATENCY_SLACK_MS = 100;
/** Weight of the newest answer in the smoothed latency. */
const SMOOTHING = 0.2;

const NO_RETRY_AFTER: RawResponse = { statusCode: 429, headers: {}, body: undefined };

/** How one request went, as far as the pace of the others is concerned. */
export type FlowSignal =
	| { kind: 'success'; latencyMs: number }
	/** 429: the API asks everyone to slow down; the answer of one that is waited out teaches the limit. */
	| { kind: 'rateLimited'; response?: RawResponse }
	/** 5xx or no answer: the API (or the way to it) is struggling. */
	| { kind: 'overloaded' }
	/** Any other answer (4xx): says nothing about load. */
	| { kind: 'neutral' };

/** What an attempt says about the API's load. */
export function flowSignalOf(attempt: Attempt, latencyMs: number): FlowSignal {
	const status = attempt.response?.statusCode;
	if (isRateLimited(attempt)) return { kind: 'rateLimited' };
	if (status === undefined) {
		// Refused, unreachable or cancelled says nothing about load; a timeout or a reset does.
		const code = attempt.networkCode ?? '';
		return [...NOT_SENT_CODES, ...UNREACHABLE_CODES, CANCELED_CODE].includes(code) ? { kind: 'neutral' } : { kind: 'overloaded' };
	}
	if (status >= 500) return { kind: 'overloaded' };
	return status < 300 ? { kind: 'success', latencyMs } : { kind: 'neutral' };
}

/**
 * The pace of one execution's requests: one controller shared by all items, so a rate limit or an
 * overloaded API slows every item, not just the one that met it.
 *
 * - After a 429 that will be retried every request waits out the same pause (as long as that
 *   retry waits: see decideRetry), then they go on one at a time and widen by one request per round
 *   of successes, so a still-limited API sees a trickle, not a burst (TCP's restart after a
 *   timeout). A stopped execution ends the pause at once.
 * - Auto (the default): a congestion window in the manner of TCP, with a delay signal as in
 *   Netflix's gradient limiter. It starts at AUTO_START, doubles per round of clean, fast answers
 *   (slow start), then grows by one per round; a 5xx, a network failure or latency above
 *   LATENCY_TOLERANCE × the fastest answer seen (+ LATENCY_SLACK_MS) halves it (at most once per round, so one bad
 *   burst is one decrease). Bounded by AUTO_MAX.
 * - A fixed Items at Once: the runner keeps that many items going and only a 429 narrows it.
 * - In every mode, a request also waits for a slot of the rate limit learned from the 429s or given
 *   by the Rate Limit option (rateLimit.ts); after a quiet spell the first one goes alone.
 */
export class FlowController {
	private pausedUntil = 0;
	/** Requests allowed at once; for a fixed count, unlimited here (the runner bounds it) until a 429. */
	private limit: number;
	/** Below it the window doubles per round (slow start), above it grows by one. */
	private threshold: number;
	private inFlight = 0;
	private waiters: Array<() => void> = [];
	/** Requests sent so far, and how many had been sent at the last decrease. */
	private sent = 0;
	private decreasedAfter = 0;
	/** Answers since the window last changed: a round is `limit` of them. */
	private answersThisRound = 0;
	private fastestMs = Infinity;
	private smoothedMs?: number;
	/** After a 429, growth is one per round whatever the mode. */
	private rateLimited = false;
	readonly rateLimiter: RateLimiter;
	/** A request sent alone after a quiet spell is in flight: the others wait for its answer. */
	private probing = false;

	constructor(
		readonly auto: boolean,
		/** The execution's cancel signal, where it has one. */
		private readonly cancel?: AbortSignal,
		/** The Rate Limit option. */
		knownLimit?: RateLimit,
	) {
		this.limit = auto ? AUTO_START : Infinity;
		this.threshold = auto ? AUTO_MAX : Infinity;
		this.rateLimiter = new RateLimiter(knownLimit);
	}

	/** How many items the runner should keep in progress now (Auto only). */
	get window(): number {
		return Math.max(1, Math.min(AUTO_MAX, Math.floor(this.limit)));
	}

	/** Waits until a request may go; returns how to report how it went. */
	async enter(): Promise<(signal: FlowSignal) => void> {
		for (;;) {
			// A stopped execution waits for nothing; its request is then not sent (see `send`).
			if (this.cancel?.aborted) break;
			const now = Date.now();
			const wait = this.pausedUntil - now;
			const slot = this.rateLimiter.delay(now);
			if (wait > 0) await waitFor(wait, this.cancel);
			else if (typeof slot === 'number' && slot > 0) await waitFor(slot, this.cancel);
			else if (slot === 0 && !this.probing && this.inFlight < Math.max(1, Math.floor(this.limit))) break;
			else await new Promise<void>((resolve) => this.waiters.push(resolve));
		}
		const probe = this.rateLimiter.shouldProbe(Date.now());
		if (probe) this.probing = true;
		this.inFlight++;
		const sequence = ++this.sent;
		const sent = this.rateLimiter.sent(Date.now());
		return (signal) => {
			this.inFlight--;
			if (probe) this.probing = false;
			this.rateLimiter.answered(sent, Date.now(), signal.kind === 'rateLimited' ? (signal.response ?? NO_RETRY_AFTER) : undefined);
			this.record(signal, sequence);
			for (const wake of this.waiters.splice(0)) wake();
		};
	}

	/** Holds every request of the execution back for at least `ms` from now. */
	pause(ms: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	private record(signal: FlowSignal, sequence: number): void {
		if (signal.kind === 'rateLimited') {
			this.rateLimited = true;
			this.limit = 1;
			return;
		}
		if (signal.kind === 'neutral') return;
		if (signal.kind === 'success' && this.rateLimited) {
			// One more request per round of successes.
			this.limit = Math.min(this.auto ? AUTO_MAX : Infinity, this.limit + 1 / this.limit);
			return;
		}
		if (!this.auto) return;
		const queueBuilding = signal.kind === 'success' && this.latencyRising(signal.latencyMs);
		if (signal.kind === 'overloaded' || queueBuilding) {
			// Requests sent before the last decrease saw the old window: one decrease per window.
			if (sequence > this.decreasedAfter) {
				this.limit = Math.max(1, Math.floor(this.limit / 2));
				this.threshold = this.limit;
				this.decreasedAfter = this.sent;
				this.answersThisRound = 0;
			}
			return;
		}
		if (++this.answersThisRound >= Math.floor(this.limit)) {
			this.limit = Math.min(AUTO_MAX, this.limit < this.threshold ? this.limit * 2 : this.limit + 1);
			this.answersThisRound = 0;
		}
	}

	private latencyRising(latencyMs: number): boolean {
		this.fastestMs = Math.min(this.fastestMs, latencyMs);
		this.smoothedMs = this.smoothedMs === undefined ? latencyMs : this.smoothedMs + SMOOTHING * (latencyMs - this.smoothedMs);
		return this.smoothedMs > LATENCY_TOLERANCE * this.fastestMs + LATENCY_SLACK_MS;
	}
}
