import type { ICredentialsDecrypted, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeError, sleep } from 'n8n-workflow';
import type { ZodTypeDef, ZodType } from 'zod';

import { CREDENTIAL_TYPE, oemAuthFields } from '../../../credentials/MspcOemApi.credentials';
import { requestFailure, type Outcome } from './errors';
import type { OemCredential, OemExecution } from './execution';
import { CANCELED_CODE, NOT_SENT_CODES, networkCodeOf } from './networkErrors';
import { secretsOf } from './redact';
import { parseSuccess } from './response';
import { decideRetry, retryAfterMs, backoff, type Attempt, type RawResponse } from './retry';
import type { FlowSignal } from './flowControl';
import { checkedSettings, type RequestSettings } from './settings';
import { buildPath, resolveBaseUrl } from './url';

export interface OemRequest<T> {
	method: IHttpRequestMethods;
	/** Path segments after `/api/oem-api/`; each is URL-encoded, so ids can never change the route. */
	path: string[];
	/** Body fields beyond the client credentials, which the credential type adds. */
	body?: Record<string, unknown>;
	/** Validates and shapes the success body. */
	schema: Pick<ZodType<T, ZodTypeDef, unknown>, 'safeParse'>;
	/** What the request does, in the user's words: "create the integration". */
	action: string;
	/**
	 * Whether a failure after the request may have reached the server can be retried.
	 * False for creates: a lost answer would otherwise create a duplicate.
	 */
	idempotent: boolean;
	/**
	 * For requests that are not idempotent: what may have been done although no clear answer
	 * came, and how to check. Default: the integration create's words.
	 */
	uncertain?: { maybe: string; check: string };
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

/** The one way the node talks to the OEM API. */
export async function oemApiRequest<T>(execution: OemExecution, request: OemRequest<T>): Promise<T> {
	const credential = await execution.credentials(request.itemIndex);
	if (!request.shareAcrossItems) return await sendRequest(execution, request, credential);
	// Items share an answer only when they would send the very same request with the very same
	// settings: the shared attempts then went exactly as each item's own would have (an item with
	// more retries or a longer timeout than another asks on its own), and never with another
	// item's credential.
	const key = JSON.stringify([
		request.method,
		request.path,
		request.body ?? {},
		credential.data.baseUrl,
		oemAuthFields(credential.data),
		checkedSettings(request.settings),
	]);
	try {
		return await execution.shared(key, async () => await sendRequest(execution, request, credential));
	} catch (error) {
		throw forItem(error, request.itemIndex);
	}
}

/**
 * A shared request's error, as the given item's: the same error, naming that item. Each item
 * gets its own object, as the runner adds to an item's error (its stop report).
 */
function forItem(error: unknown, itemIndex: number | undefined): unknown {
	if (!(error instanceof NodeError) || itemIndex === undefined || error.context.itemIndex === itemIndex) return error;
	const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as NodeError;
	copy.context = { ...error.context, itemIndex };
	return copy;
}

/** One attempt through n8n's helper, which applies the credential type's `authenticate`. */
async function send(
	execution: OemExecution,
	options: IHttpRequestOptions,
	credentialsDecrypted: ICredentialsDecrypted,
): Promise<Attempt> {
	const { ctx } = execution;
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
			credentialsDecrypted,
		})) as RawResponse;
		return { response };
	} catch (error) {
		// The caught error may hold the request options, body and secrets included: keep only its code.
		return { networkCode: networkCodeOf(error) };
	}
}

/** What an attempt says about the API's load. */
function flowSignal(attempt: Attempt, latencyMs: number): FlowSignal {
	const status = attempt.response?.statusCode;
	if (status === 429) return { kind: 'rateLimited' };
	if (status === undefined) {
		// Refused, unreachable or cancelled says nothing about load; a timeout or a reset does.
		const code = attempt.networkCode ?? '';
		return NOT_SENT_CODES.includes(code) || code === CANCELED_CODE ? { kind: 'neutral' } : { kind: 'overloaded' };
	}
	if (status >= 500) return { kind: 'overloaded' };
	return status < 300 ? { kind: 'success', latencyMs } : { kind: 'neutral' };
}

/** Attempts until success, a failure not worth retrying, or the retry budget is spent. */
async function sendRequest<T>(execution: OemExecution, request: OemRequest<T>, credential: OemCredential): Promise<T> {
	const { flow, node } = execution;
	const settings = checkedSettings(request.settings);
	const credentials = credential.data;
	const baseUrl = resolveBaseUrl(node, credentials.baseUrl);
	const path = buildPath(node, request.path, request.action, request.itemIndex);
	const body = request.body ?? {};
	// Only an error needs them: a large list answer never pays for them.
	let secretList: string[] | undefined;
	const secrets = () => (secretList ??= secretsOf(credentials, body));
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
	for (let retry = 0; ; retry++) {
		const leave = await flow.enter();
		const sentAt = Date.now();
		const attempt = await send(execution, { ...options }, credential);
		outcome.attempts++;
		const status = attempt.response?.statusCode;
		const random = Math.random();
		if (status === 429) flow.pause(retryAfterMs(attempt.response!) ?? backoff(retry, settings, random));
		leave(flowSignal(attempt, Date.now() - sentAt));
		if (status !== undefined && status >= 200 && status < 300) {
			return parseSuccess(node, request, attempt.response!, secrets);
		}
		const decision = decideRetry({ attempt, retry, settings, idempotent: request.idempotent, elapsedMs: Date.now() - started, random });
		if (!decision.retry || execution.cancelled) {
			if (!decision.retry) outcome.stoppedBecause = decision.stoppedBecause;
			throw requestFailure(node, request, attempt, secrets(), settings, outcome);
		}
		// After a 429 the flow controller does the waiting, for every item alike.
		if (status !== 429) await sleep(decision.waitMs);
	}
}
