import { CANCELED_CODE, CANCELED_UNSENT_CODE, NOT_SENT_CODES } from './networkErrors';
import { MAX_BACKOFF_MS, MAX_RETRY_WINDOW_MS, type RequestSettings } from './settings';
import type { Attempt, RawResponse } from './types';

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
 * Whether a failure other than a 429 (rateLimit.ts decides those) can be retried. Reads and updates
 * retry on 5xx and network errors; a create only where the failure proves the server did not
 * process it.
 */
export function isRetryableFailure(attempt: Attempt, idempotent: boolean): boolean {
	const status = attempt.response?.statusCode;
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
 * How long to wait before a retry: what the API asked for (Retry-After), else the backoff; and no
 * retry when waiting would pass the time the node keeps trying one request. Every wait, a 429's
 * shared pause included, is taken from here, so none outlasts that time.
 */
export function waitWithinWindow(options: {
	/** The Retry-After the answer gave, if any (see retryAfterMs). */
	serverWaitMs: number | undefined;
	/** 0 for the first retry. */
	retry: number;
	settings: RequestSettings;
	/** Milliseconds since the first attempt started. */
	elapsedMs: number;
	random?: number;
}): { retry: true; waitMs: number } | { retry: false; stoppedBecause: string } {
	const { serverWaitMs, retry, settings, elapsedMs } = options;
	const waitMs = serverWaitMs ?? backoff(retry, settings, options.random);
	if (elapsedMs + waitMs > MAX_RETRY_WINDOW_MS) {
		return {
			retry: false,
			stoppedBecause:
				serverWaitMs !== undefined && serverWaitMs > MAX_RETRY_WINDOW_MS
					? `the API asked to wait ${Math.ceil(serverWaitMs / 1000)} s (Retry-After) before trying again, longer than the node waits (${MAX_RETRY_WINDOW_MS / 1000} s)`
					: WINDOW_SPENT,
		};
	}
	return { retry: true, waitMs };
}
