import { CANCELED_CODE, CANCELED_UNSENT_CODE, NOT_SENT_CODES } from './networkErrors';
import { MAX_BACKOFF_MS, MAX_RETRY_WINDOW_MS, type RequestSettings } from './settings';
import type { Attempt, RawResponse, RetryDecision } from './types';

/** The wait a 429 or 503 asks for, in milliseconds: seconds or an HTTP date. */
export function retryAfterMs(response: RawResponse, now = Date.now()): number | undefined {
	const header = response.headers['retry-after'];
	const value = (Array.isArray(header) ? header[0] : header)?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	// Otherwise only an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); Date.parse alone takes "-1" as a year.
	const date = /[a-z]/i.test(value) ? Date.parse(value) : NaN;
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with "equal jitter": half fixed, half random, capped. */
export function backoff(retry: number, settings: RequestSettings, random = Math.random()): number {
	const exponential = Math.min(MAX_BACKOFF_MS, settings.retryDelay * 2 ** retry);
	return exponential / 2 + random * (exponential / 2);
}

/**
 * Whether the failure can be retried. Reads and updates retry on 429, 5xx and network errors;
 * a create retries only where the failure proves the server did not process it.
 */
export function isRetryable(attempt: Attempt, idempotent: boolean): boolean {
	const status = attempt.response?.statusCode;
	if (status === 429) return idempotent || retryAfterMs(attempt.response!) !== undefined;
	if (status !== undefined) return idempotent && status >= 500;
	if (attempt.networkCode === CANCELED_CODE || attempt.networkCode === CANCELED_UNSENT_CODE) return false;
	return idempotent || NOT_SENT_CODES.includes(attempt.networkCode ?? '');
}

/** Why retrying stopped when the retry window is (about to be) spent. */
export const WINDOW_SPENT = `retrying would take longer than the node keeps trying one request (${MAX_RETRY_WINDOW_MS / 1000} s)`;

/**
 * How long an attempt may take: its Timeout, and a retry no longer than what is left of the retry
 * window (0 when nothing is: it is not sent). The window bounds retrying, so the first attempt has
 * its whole Timeout.
 */
export function attemptTimeout(settings: RequestSettings, retry: number, elapsedMs: number): number {
	if (retry === 0) return settings.timeout;
	return Math.max(0, Math.min(settings.timeout, MAX_RETRY_WINDOW_MS - elapsedMs));
}

/**
 * The one place that decides what a failure means for waiting: whether to retry, how long to wait
 * (Retry-After, else the backoff), whether every request waits too (a 429), all within the time
 * the node keeps trying one request. A wait is only ever taken for a retry, so no wait outlasts
 * that time.
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
	const { attempt, retry, settings, idempotent, elapsedMs } = options;
	if (retry >= settings.maxRetries || !isRetryable(attempt, idempotent)) return { retry: false };
	const serverWait = attempt.response ? retryAfterMs(attempt.response) : undefined;
	const waitMs = serverWait ?? backoff(retry, settings, options.random);
	if (elapsedMs + waitMs > MAX_RETRY_WINDOW_MS) {
		return {
			retry: false,
			stoppedBecause:
				serverWait !== undefined && serverWait > MAX_RETRY_WINDOW_MS
					? `the API asked to wait ${Math.ceil(serverWait / 1000)} s (Retry-After) before trying again, longer than the node waits (${MAX_RETRY_WINDOW_MS / 1000} s)`
					: WINDOW_SPENT,
		};
	}
	return { retry: true, waitMs, pauseAll: attempt.response?.statusCode === 429 };
}
