/** How one request is tried: from the node's options, bounded so an expression cannot give anything absurd. */
export interface RequestSettings {
	/** Milliseconds before one attempt is abandoned. */
	timeout: number;
	/** Further attempts after the first, for failures that are safe to repeat. */
	maxRetries: number;
	/** First backoff delay in milliseconds; it doubles per attempt, with jitter. */
	retryDelay: number;
}

export const DEFAULT_SETTINGS: RequestSettings = { timeout: 30_000, maxRetries: 3, retryDelay: 1_000 };

/** The longest single wait between two attempts. */
export const MAX_BACKOFF_MS = 30_000;
/** The longest a request keeps retrying, waits and attempts included; no retry runs past it. */
export const MAX_RETRY_WINDOW_MS = 120_000;
export const MAX_RETRIES = 10;

/** Settings from the node's options, made safe: an expression could give anything. */
export function checkedSettings(settings: RequestSettings | undefined): RequestSettings {
	const given = settings ?? DEFAULT_SETTINGS;
	const number = (value: unknown, fallback: number, min: number, max: number) => {
		const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		return typeof n === 'number' && Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : fallback;
	};
	return {
		timeout: number(given.timeout, DEFAULT_SETTINGS.timeout, 1, 10 * 60_000),
		maxRetries: Math.floor(number(given.maxRetries, DEFAULT_SETTINGS.maxRetries, 0, MAX_RETRIES)),
		retryDelay: number(given.retryDelay, DEFAULT_SETTINGS.retryDelay, 0, MAX_BACKOFF_MS),
	};
}
