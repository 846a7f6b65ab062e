import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import type { ZodType, ZodTypeDef } from 'zod';

import { apiErrorSchema } from '../schemas';

export const CREDENTIAL_TYPE = 'mspcOemApi';

export type OemContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface RequestSettings {
	/** Milliseconds before one attempt is abandoned. */
	timeout: number;
	/** Further attempts after the first, for failures that are safe to repeat. */
	maxRetries: number;
	/** First backoff delay in milliseconds; it doubles per attempt, with jitter. */
	retryDelay: number;
}

export const DEFAULT_SETTINGS: RequestSettings = { timeout: 30_000, maxRetries: 3, retryDelay: 1_000 };

const MAX_BACKOFF_MS = 30_000;

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

/** Values that must never reach an error message, description or output item. */
function secretsOf(credentials: ICredentialDataDecryptedObject, body: Record<string, unknown>) {
	const secrets = [credentials.clientSecret, body.organizationOemToken];
	const data = body.data as { integrationCredentials?: Record<string, unknown> } | undefined;
	const values = data?.integrationCredentials;
	if (values) secrets.push(...Object.keys(values).map((key) => values[key]));
	// Very short values are not meaningful secrets and would garble every message they occur in.
	return secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
}

export function redact(text: string, secrets: string[]): string {
	let result = text;
	for (const secret of secrets) result = result.split(secret).join('[redacted]');
	return result;
}

/**
 * The credential's Base URL, checked before any secret is sent to it: an absolute URL with
 * no path, HTTPS except on this machine's loopback (the sandbox).
 */
export function resolveBaseUrl(ctx: OemContext, credentials: ICredentialDataDecryptedObject): string {
	const raw = String(credentials.baseUrl ?? '').trim();
	const fail = (problem: string) =>
		new NodeOperationError(ctx.getNode(), `The credential's Base URL ${problem}`, {
			description: 'Set it to your MSPCentric address, such as https://yoursubdomain.mspcentric.app',
		});
	if (!raw) throw fail('is empty');
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw fail(`"${raw}" is not an absolute URL: it needs https:// in front`);
	}
	const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || url.hostname.startsWith('127.');
	if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
		throw fail(`must start with https:// (got ${url.protocol}//): credentials are only sent over HTTPS`);
	}
	if (url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash || url.username) {
		throw fail(`must be the bare host without a path, query or login (got "${raw}")`);
	}
	return url.origin;
}

/** Requests of one execution share a pause, so a 429 slows every item, not just the one that hit it. */
const pauses = new WeakMap<object, { until: number }>();

async function waitForSharedPause(ctx: OemContext) {
	const pause = pauses.get(ctx);
	const wait = pause ? pause.until - Date.now() : 0;
	if (wait > 0) await sleep(wait);
}

function extendSharedPause(ctx: OemContext, ms: number) {
	const until = Date.now() + ms;
	const pause = pauses.get(ctx);
	if (!pause) pauses.set(ctx, { until });
	else pause.until = Math.max(pause.until, until);
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

const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];
const TIMEOUT_CODES = ['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT'];

function networkCodeOf(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

function retryAfterMs(response: RawResponse): number | undefined {
	const header = response.headers['retry-after'];
	const value = Array.isArray(header) ? header[0] : header;
	if (!value) return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoff(attempt: number, settings: RequestSettings) {
	const exponential = Math.min(MAX_BACKOFF_MS, settings.retryDelay * 2 ** attempt);
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
		// The caught error holds the request options, body and secrets included: keep only its code.
		return { networkCode: networkCodeOf(error) ?? 'UNKNOWN' };
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

async function sendRequest<T>(ctx: OemContext, request: OemRequest<T>): Promise<T> {
	const settings = request.settings ?? DEFAULT_SETTINGS;
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE, request.itemIndex);
	const baseUrl = resolveBaseUrl(ctx, credentials);
	const body = request.body ?? {};
	const secrets = secretsOf(credentials, body);
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}/api/oem-api/${request.path.map(encodeURIComponent).join('/')}`,
		// Serialised here, not by n8n: its helpers drop keys such as `__proto__` from object bodies.
		body: JSON.stringify(body),
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		encoding: 'text',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: settings.timeout,
	};

	let attempt: Attempt = {};
	for (let tries = 0; ; tries++) {
		await waitForSharedPause(ctx);
		attempt = await send(ctx, { ...options });
		const status = attempt.response?.statusCode;
		if (status !== undefined && status >= 200 && status < 300) {
			return parseSuccess(ctx, request, attempt.response!, secrets);
		}
		if (tries >= settings.maxRetries || !isRetryable(attempt, request.idempotent)) break;
		const serverWait = attempt.response ? retryAfterMs(attempt.response) : undefined;
		if (status === 429) extendSharedPause(ctx, serverWait ?? backoff(tries, settings));
		else await sleep(serverWait ?? backoff(tries, settings));
	}
	throw failure(ctx, request, attempt, secrets, settings);
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

function parseSuccess<T>(ctx: OemContext, request: OemRequest<T>, response: RawResponse, secrets: string[]): T {
	const text = bodyText(response.body);
	const json = parseJson(text);
	const problem =
		text.trim() === ''
			? 'an empty body'
			: json === undefined
				? 'a body that is not JSON'
				: undefined;
	const parsed = problem ? undefined : request.schema.safeParse(json);
	if (parsed?.success) return parsed.data;
	const detail =
		problem ??
		`a body of an unexpected shape (${parsed?.error.issues
			.slice(0, 3)
			.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
			.join('; ')})`;
	throw new NodeApiError(
		ctx.getNode(),
		{ message: 'Unexpected response', httpCode: String(response.statusCode) } as JsonObject,
		{
			message: `Could not ${request.action}: the MSPC OEM API answered ${response.statusCode} with ${detail}`,
			description: redact(
				`Check that the credential's Base URL points at the MSPC OEM API. Start of the answer: ${text.slice(0, 200)}`,
				secrets,
			),
			httpCode: String(response.statusCode),
			itemIndex: request.itemIndex,
		},
	);
}

/** The API's own words from an error body, if it sent any. */
function apiMessage(text: string): string | undefined {
	const parsed = apiErrorSchema.safeParse(parseJson(text));
	if (parsed.success) {
		const message = parsed.data.message ?? parsed.data.error;
		if (message) return Array.isArray(message) ? message.join('; ') : message;
	}
	if (/^\s*</.test(text)) return 'The API answered with an HTML page instead of JSON';
	return text.trim() ? text.trim().slice(0, 300) : undefined;
}

function statusMessage(status: number, request: OemRequest<unknown>, retried: boolean): string {
	const why: Record<number, string> = {
		400: 'the MSPC OEM API rejected the request as malformed (400)',
		401: 'the client credentials were rejected (401): check the Client ID / Client Secret in the credential',
		403: 'the organization OEM token was rejected (403): check the Organization OEM Token parameter',
		404: 'not found (404)',
		409: 'it already exists (409)',
		429: `the MSPC OEM API is rate limiting requests (429)${retried ? ' and kept doing so through every retry' : ''}`,
	};
	let text = why[status] ?? (status >= 500 ? `the MSPC OEM API failed with a server error (${status})` : `the MSPC OEM API answered HTTP ${status}`);
	const hint = request.hints?.[status];
	if (hint) text += `: ${hint}`;
	return `Could not ${request.action}: ${text}`;
}

function failure(
	ctx: OemContext,
	request: OemRequest<unknown>,
	attempt: Attempt,
	secrets: string[],
	settings: RequestSettings,
): NodeApiError {
	const node = ctx.getNode();
	const { response, networkCode } = attempt;
	if (response) {
		const status = response.statusCode;
		let message = statusMessage(status, request, settings.maxRetries > 0);
		if (!request.idempotent && status >= 500) {
			message += '. The integration may have been created anyway: check with Integration: List before running this item again';
		}
		const said = apiMessage(bodyText(response.body));
		return new NodeApiError(node, { message, httpCode: String(status) } as JsonObject, {
			message: redact(message, secrets),
			description: said ? redact(`The API said: ${said}`, secrets) : undefined,
			httpCode: String(status),
			itemIndex: request.itemIndex,
		});
	}
	const code = networkCode ?? 'UNKNOWN';
	// The code goes into the description: n8n replaces any message that names one with its own text.
	let message: string;
	if (NOT_SENT_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API could not be reached; check the credential's Base URL and your network`;
	} else if (TIMEOUT_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API did not answer within ${settings.timeout} ms`;
	} else {
		message = `Could not ${request.action}: the connection to the MSPC OEM API failed before an answer arrived`;
	}
	if (!request.idempotent && !NOT_SENT_CODES.includes(code)) {
		message += '. The request may have reached the server: check with Integration: List before running this item again';
	}
	return new NodeApiError(node, { message } as JsonObject, {
		message,
		description: `No answer was received (network error ${code}), so the API gave no message of its own.`,
		itemIndex: request.itemIndex,
	});
}
