import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { baseUrlProblem, CREDENTIAL_TYPE } from '../../../credentials/MspcOemApi.credentials';
import { apiErrorSchema } from '../schemas';

export type OemContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

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
const MAX_BACKOFF_MS = 30_000;
/** The longest a request keeps retrying, waits and attempts included; no retry starts past it. */
export const MAX_RETRY_WINDOW_MS = 120_000;
const MAX_RETRIES = 10;

export interface OemRequest<T> {
	method: IHttpRequestMethods;
	/** Path segments after `/api/oem-api/`; each is URL-encoded, so ids can never change the route. */
	path: string[];
	/** Body fields beyond the client credentials, which the credential type adds. */
	body?: Record<string, unknown>;
	/** Validates and shapes the success body. */
	schema: ZodType<T, ZodTypeDef, unknown>;
	/** What the request does, in the user's words: "create the integration". */
	action: string;
	/**
	 * Whether a failure after the request may have reached the server can be retried.
	 * False for creates: a lost answer would otherwise create a duplicate.
	 */
	idempotent: boolean;
	/** Extra words for a 404 or 409, saying what to do. */
	hints?: Partial<Record<number, string>>;
	itemIndex?: number;
	settings?: RequestSettings;
	/**
	 * For reads: items of one execution that make the very same request share one answer
	 * instead of sending it again.
	 */
	shareAcrossItems?: boolean;
}

/** Settings from the node's options, made safe: an expression could give anything. */
function checkedSettings(settings: RequestSettings | undefined): RequestSettings {
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

/** Values that must never reach an error message, description or output item. */
function secretsOf(credentials: ICredentialDataDecryptedObject, body: Record<string, unknown>) {
	const secrets = [credentials.clientSecret, body.organizationOemToken];
	const data = body.data as { integrationCredentials?: Record<string, unknown> } | undefined;
	const values = data?.integrationCredentials;
	if (values) secrets.push(...Object.keys(values).map((key) => values[key]));
	// Very short values are not meaningful secrets and would garble every message they occur in.
	const plain = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
	// A server that echoes the request may quote a secret JSON-escaped or URL-encoded.
	const forms = plain.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), safeEncode(s)]);
	// Longest first, so a secret that contains another is removed whole.
	return [...new Set(forms)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

function safeEncode(text: string): string {
	try {
		return encodeURIComponent(text);
	} catch {
		return text;
	}
}

export function redact(text: string, secrets: string[]): string {
	let result = text;
	for (const secret of secrets) result = result.split(secret).join('[redacted]');
	return result;
}

/** At most `max` characters of an answer, secrets removed before it is cut (so none is cut in half). */
function excerpt(text: string, secrets: string[], max: number): string {
	const clean = redact(text, secrets).replace(/\s+/g, ' ').trim();
	return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

/**
 * The credential's Base URL, checked before any secret is sent to it: an absolute URL with
 * no path, HTTPS except on this machine's loopback (the sandbox).
 */
export function resolveBaseUrl(ctx: OemContext, credentials: ICredentialDataDecryptedObject): string {
	const problem = baseUrlProblem(credentials.baseUrl);
	if (problem) {
		throw new NodeOperationError(ctx.getNode(), `The credential's Base URL ${problem}`, {
			description:
				'Set it in the MSPC OEM API credential to your MSPCentric address, such as https://yoursubdomain.mspcentric.app (no path; a trailing slash is fine). Nothing was sent.',
		});
	}
	return new URL(String(credentials.baseUrl).trim()).origin;
}

/** `/api/oem-api/…` with every segment encoded; a segment that could still move the path is refused. */
function buildPath(ctx: OemContext, request: OemRequest<unknown>): string {
	const segments = request.path.map((segment) => {
		let encoded: string | undefined;
		try {
			encoded = encodeURIComponent(segment);
		} catch {
			encoded = undefined; // a lone UTF-16 surrogate cannot be encoded
		}
		// "." and ".." are removed by URL normalisation even when percent-encoded, so they would
		// send the request to another route.
		if (encoded === undefined || segment.trim() === '' || segment === '.' || segment === '..') {
			const shown = JSON.stringify(segment.length > 40 ? `${segment.slice(0, 40)}…` : segment);
			return new NodeOperationError(ctx.getNode(), `Could not ${request.action}: the ID ${shown} cannot be used`, {
				description: 'IDs are taken from Integration: List or Vendor: List; this one is empty, "." / "..", or holds broken characters. Nothing was sent.',
				itemIndex: request.itemIndex,
			});
		}
		return encoded;
	});
	const bad = segments.find((segment): segment is NodeOperationError => typeof segment !== 'string');
	if (bad) throw bad;
	return `/api/oem-api/${segments.join('/')}`;
}

/**
 * Requests of one execution share what a 429 taught them, so a rate limit slows every item, not
 * just the one that hit it: all wait out the same pause, then go on one at a time and widen by
 * one request per round of successes (as TCP does after congestion), so a still-limited API sees
 * a trickle, not a burst. Measured: half the 429s of independent retriers (test/throughput).
 */
interface RateGate {
	until: number;
	/** How many requests may be under way at once; unlimited until the first 429. */
	allowed: number;
	inFlight: number;
	waiters: Array<() => void>;
}

const gates = new WeakMap<object, RateGate>();

function gateOf(ctx: OemContext): RateGate {
	let gate = gates.get(ctx);
	if (!gate) gates.set(ctx, (gate = { until: 0, allowed: Infinity, inFlight: 0, waiters: [] }));
	return gate;
}

/** Waits until this request may go; returns how to report its answer. */
async function enterRateGate(ctx: OemContext): Promise<(refusedForRate: boolean) => void> {
	const gate = gateOf(ctx);
	for (;;) {
		const wait = gate.until - Date.now();
		if (wait > 0) await sleep(wait);
		else if (gate.inFlight < Math.floor(gate.allowed)) break;
		else await new Promise<void>((resolve) => gate.waiters.push(resolve));
	}
	gate.inFlight++;
	return (refusedForRate) => {
		gate.inFlight--;
		gate.allowed = refusedForRate ? 1 : gate.allowed + 1 / gate.allowed;
		for (const wake of gate.waiters.splice(0)) wake();
	};
}

function extendRatePause(ctx: OemContext, ms: number) {
	const gate = gateOf(ctx);
	gate.until = Math.max(gate.until, Date.now() + ms);
}

function cancelled(ctx: OemContext): boolean {
	const signal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal?.() : undefined;
	return signal?.aborted === true;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

interface Attempt {
	response?: RawResponse;
	/** A network failure's code, such as ECONNREFUSED. */
	networkCode?: string;
}

/** Failures that prove the request never reached the server (a TLS failure ends before the body is sent). */
const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT'];
const TIMEOUT_CODES = ['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT'];
const RESET_CODES = ['ECONNRESET', 'EPIPE'];
const KNOWN_CODES = [...NOT_SENT_CODES, ...TIMEOUT_CODES, ...RESET_CODES, 'ERR_CANCELED'];

/**
 * The network error code behind a failed request. n8n wraps the HTTP client's error in a
 * NodeApiError that drops the original (and its code) but keeps its message among `messages`,
 * so the code is read from there too: "connect ECONNREFUSED …", "timeout of 500ms exceeded".
 */
function networkCodeOf(error: unknown): string {
	const texts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, message, messages, cause } = current as {
			code?: unknown;
			message?: unknown;
			messages?: unknown;
			cause?: unknown;
		};
		if (typeof code === 'string' && KNOWN_CODES.includes(code)) return code;
		if (Array.isArray(messages)) texts.push(...messages.filter((m): m is string => typeof m === 'string'));
		if (typeof message === 'string') texts.push(message);
		current = cause;
	}
	for (const text of texts) {
		const code = KNOWN_CODES.find((known) => new RegExp(`\\b${known}\\b`).test(text));
		if (code) return code;
		if (/timeout of \d+ms exceeded|timed out/i.test(text)) return 'ETIMEDOUT';
		if (/socket hang up|closed the connection/i.test(text)) return 'ECONNRESET';
		if (/certificate|\bSSL\b|\bTLS\b/i.test(text)) return 'CERT';
		if (/^canceled$|cancell?ed/i.test(text.trim())) return 'ERR_CANCELED';
	}
	return 'UNKNOWN';
}

function retryAfterMs(response: RawResponse): number | undefined {
	const header = response.headers['retry-after'];
	const value = (Array.isArray(header) ? header[0] : header)?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoff(retry: number, settings: RequestSettings) {
	const exponential = Math.min(MAX_BACKOFF_MS, settings.retryDelay * 2 ** retry);
	return exponential / 2 + Math.random() * (exponential / 2);
}

/**
 * Whether the failure can be retried. Reads and updates retry on 429, 5xx and network errors;
 * a create retries only where the failure proves the server did not process it.
 */
function isRetryable(attempt: Attempt, idempotent: boolean): boolean {
	const status = attempt.response?.statusCode;
	if (status === 429) return idempotent || retryAfterMs(attempt.response!) !== undefined;
	if (status !== undefined) return idempotent && status >= 500;
	if (attempt.networkCode === 'ERR_CANCELED') return false;
	return idempotent || NOT_SENT_CODES.includes(attempt.networkCode ?? '');
}

async function send(ctx: OemContext, options: IHttpRequestOptions): Promise<Attempt> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)) as RawResponse;
		return { response };
	} catch (error) {
		// The caught error may hold the request options, body and secrets included: keep only its code.
		return { networkCode: networkCodeOf(error) };
	}
}

const sharedAnswers = new WeakMap<object, Map<string, Promise<unknown>>>();

/** The one way the node talks to the OEM API. */
export async function oemApiRequest<T>(ctx: OemContext, request: OemRequest<T>): Promise<T> {
	if (!request.shareAcrossItems) return await sendRequest(ctx, request);
	const key = JSON.stringify([request.method, request.path, request.body ?? {}]);
	let answers = sharedAnswers.get(ctx);
	if (!answers) sharedAnswers.set(ctx, (answers = new Map()));
	let answer = answers.get(key) as Promise<T> | undefined;
	if (!answer) answers.set(key, (answer = sendRequest(ctx, request)));
	return await answer;
}

/** How the attempts of one request went, for the final message. */
interface Outcome {
	attempts: number;
	/** Why retrying stopped before maxRetries was used up, if it did. */
	stoppedBecause?: string;
}

async function sendRequest<T>(ctx: OemContext, request: OemRequest<T>): Promise<T> {
	const settings = checkedSettings(request.settings);
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE, request.itemIndex);
	const baseUrl = resolveBaseUrl(ctx, credentials);
	const path = buildPath(ctx, request);
	const body = request.body ?? {};
	const secrets = secretsOf(credentials, body);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${path}`,
		// Serialised here, not by n8n: its helpers drop keys such as `__proto__` from object bodies.
		body: JSON.stringify(body),
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// A redirect would re-send the body, secrets included, to wherever it points.
		disableFollowRedirect: true,
		timeout: settings.timeout,
	};

	const started = Date.now();
	const outcome: Outcome = { attempts: 0 };
	let attempt: Attempt = {};
	for (let retry = 0; ; retry++) {
		const leaveRateGate = await enterRateGate(ctx);
		attempt = await send(ctx, { ...options });
		outcome.attempts++;
		const status = attempt.response?.statusCode;
		const serverWait = attempt.response ? retryAfterMs(attempt.response) : undefined;
		const wait = serverWait ?? backoff(retry, settings);
		if (status === 429) extendRatePause(ctx, wait);
		leaveRateGate(status === 429);
		if (status !== undefined && status >= 200 && status < 300) {
			return parseSuccess(ctx, request, attempt.response!, secrets);
		}
		if (retry >= settings.maxRetries || !isRetryable(attempt, request.idempotent)) break;
		if (cancelled(ctx)) break;
		if (Date.now() - started + wait > MAX_RETRY_WINDOW_MS) {
			outcome.stoppedBecause =
				serverWait !== undefined && serverWait > MAX_RETRY_WINDOW_MS
					? `the API asked to wait ${Math.ceil(serverWait / 1000)} s (Retry-After) before trying again, longer than the node waits (${MAX_RETRY_WINDOW_MS / 1000} s)`
					: `retrying would take longer than the node keeps trying one request (${MAX_RETRY_WINDOW_MS / 1000} s)`;
			break;
		}
		// After a 429 the rate gate does the waiting, for every item alike.
		if (status !== 429) await sleep(wait);
	}
	throw failure(ctx, request, attempt, secrets, settings, outcome);
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	return Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
}

function looksLikeHtml(text: string): boolean {
	return /^\s*</.test(text);
}

/** "an HTML page (title: 502 Bad Gateway)". */
function describeHtml(text: string, secrets: string[]): string {
	const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
	const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(text)?.[1];
	const words = (title ?? heading ?? '').replace(/<[^>]*>/g, '');
	return `an HTML page instead of JSON${words.trim() ? ` (titled "${excerpt(words, secrets, 100)}")` : ''}`;
}

function parseSuccess<T>(ctx: OemContext, request: OemRequest<T>, response: RawResponse, secrets: string[]): T {
	const text = bodyText(response.body);
	const json = parseJson(text);
	const problem =
		text.trim() === ''
			? 'an empty body'
			: json === undefined
				? looksLikeHtml(text)
					? describeHtml(text, secrets)
					: 'a body that is not JSON'
				: undefined;
	const parsed = problem ? undefined : request.schema.safeParse(json);
	if (parsed?.success) return parsed.data;
	const detail =
		problem ??
		`a body of an unexpected shape (${parsed?.error.issues
			.slice(0, 3)
			.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
			.join('; ')})`;
	let message = `Could not ${request.action}: the MSPC OEM API answered ${response.statusCode} with ${detail}`;
	if (!request.idempotent) {
		message += '. The API reported success, so it was probably done: check with Integration: List before running this item again';
	}
	const start = text.trim() ? ` Start of the answer: ${excerpt(text, secrets, 200)}` : '';
	throw new NodeApiError(
		ctx.getNode(),
		{ message: 'Unexpected response', httpCode: String(response.statusCode) } as JsonObject,
		{
			message: redact(message, secrets),
			description: `Check that the credential's Base URL points at the MSPC OEM API.${start}`,
			httpCode: String(response.statusCode),
			itemIndex: request.itemIndex,
		},
	);
}

/** The API's own words from an error body, if it sent any. */
function apiMessage(text: string, secrets: string[]): string | undefined {
	const parsed = apiErrorSchema.safeParse(parseJson(text));
	if (parsed.success) {
		const message = parsed.data.message ?? parsed.data.error;
		if (message) return `The API said: ${excerpt(Array.isArray(message) ? message.join('; ') : message, secrets, 500)}`;
	}
	if (looksLikeHtml(text)) return `The API answered with ${describeHtml(text, secrets)}, as a proxy or gateway in front of it does`;
	return text.trim() ? `The API said: ${excerpt(text, secrets, 300)}` : 'The API sent no message (empty body)';
}

const BASE_URL_HINT = "check that the credential's Base URL is your MSPCentric address";

function statusMessage(status: number, request: OemRequest<unknown>, outcome: Outcome, response: RawResponse): string {
	const retries = outcome.attempts - 1;
	const through = retries > 0 ? ` on all ${outcome.attempts} attempts` : '';
	const why: Record<number, string> = {
		400: 'the MSPC OEM API rejected the request as malformed (400)',
		401: 'the client credentials were rejected (401): check the Client ID, Client Secret and Scope in the credential',
		403: 'the organization OEM token was rejected (403): check the Organization OEM Token parameter',
		404: `not found (404)`,
		405: `the MSPC OEM API does not accept this request method (405): ${BASE_URL_HINT}`,
		409: 'it already exists (409)',
		413: 'the request is too large for the MSPC OEM API (413): send fewer or shorter credential values',
		429: `the MSPC OEM API is rate limiting requests (429)${through}`,
	};
	let text: string;
	if (why[status]) text = why[status];
	else if (status >= 500) text = `the MSPC OEM API failed with a server error (${status})${through}`;
	else if (status >= 300 && status < 400) {
		const location = response.headers.location;
		const target = typeof location === 'string' ? /^[a-z][a-z0-9+.-]*:\/\/[^/?#]+/i.exec(location)?.[0] : undefined;
		text = `the MSPC OEM API answered with a redirect (${status})${target ? ` to ${target}` : ''}, which is not followed so that credentials go only to the Base URL: ${BASE_URL_HINT}`;
	} else text = `the MSPC OEM API answered HTTP ${status}`;
	const hint = request.hints?.[status] ?? (status === 404 ? BASE_URL_HINT : undefined);
	if (hint) text += `: ${hint}`;
	if (status === 429) {
		text += request.idempotent
			? outcome.stoppedBecause
				? ''
				: '. Lower Items at Once, or raise Max Retries or Retry Delay'
			: '. The API refused it, so nothing was created: run this item again later';
	}
	if (outcome.stoppedBecause) text += `. Stopped retrying: ${outcome.stoppedBecause}`;
	return `Could not ${request.action}: ${text}`;
}

const UNCERTAIN =
	'. The integration may have been created anyway: check with Integration: List before running this item again';

function failure(
	ctx: OemContext,
	request: OemRequest<unknown>,
	attempt: Attempt,
	secrets: string[],
	settings: RequestSettings,
	outcome: Outcome,
): NodeApiError {
	const node = ctx.getNode();
	const { response, networkCode } = attempt;
	if (response) {
		const status = response.statusCode;
		let message = statusMessage(status, request, outcome, response);
		if (!request.idempotent && status >= 500) message += UNCERTAIN;
		message = redact(message, secrets);
		return new NodeApiError(node, { message, httpCode: String(status) } as JsonObject, {
			message,
			description: apiMessage(bodyText(response.body), secrets),
			httpCode: String(status),
			itemIndex: request.itemIndex,
		});
	}
	const code = networkCode ?? 'UNKNOWN';
	const through = outcome.attempts > 1 ? ` (${outcome.attempts} attempts)` : '';
	// The code goes into the description: n8n replaces any message that names one with its own text.
	let message: string;
	if (code === 'CERT') {
		message = `Could not ${request.action}: the TLS certificate of the Base URL's host was not accepted${through}; check the credential's Base URL`;
	} else if (NOT_SENT_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API could not be reached${through}; check the credential's Base URL and your network`;
	} else if (TIMEOUT_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API did not answer within ${settings.timeout} ms${through}; raise the Timeout option if it is just slow`;
	} else if (RESET_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API closed the connection before answering${through}`;
	} else if (code === 'ERR_CANCELED') {
		message = `Could not ${request.action}: the execution was cancelled`;
	} else {
		message = `Could not ${request.action}: the connection to the MSPC OEM API failed before an answer arrived${through}`;
	}
	if (outcome.stoppedBecause) message += `. Stopped retrying: ${outcome.stoppedBecause}`;
	if (!request.idempotent && !NOT_SENT_CODES.includes(code)) message += UNCERTAIN;
	return new NodeApiError(node, { message } as JsonObject, {
		message,
		description: `No answer was received (network error ${code}), so the API gave no message of its own.`,
		itemIndex: request.itemIndex,
	});
}
