import type { ICredentialsDecrypted, IHttpRequestOptions } from 'n8n-workflow';
import { NodeError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../../credentials/MspcOemApi.credentials';
import { requestFailure } from './errors';
import type { OemContext, OemCredential, OemExecution } from './execution';
import { CANCELED_UNSENT_CODE, networkCodeOf } from './networkErrors';
import { decideRetry } from './rateLimit';
import { secretsOf } from './redact';
import { parseSuccess } from './response';
import { WINDOW_SPENT, attemptTimeout } from './retry';
import { flowSignalOf } from './flowControl';
import { checkedSettings } from './settings';
import type { Attempt, OemRequest, Outcome, RawResponse, Secrets } from './types';
import { buildPath, resolveBaseUrl } from './url';
import { waitFor } from './wait';

export type { OemRequest } from './types';

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
		await execution.credentialKey(request.itemIndex),
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

/**
 * One attempt through n8n's helper, which applies the credential type's `authenticate`. It ends
 * at `timeoutMs` however the answer arrives (n8n's own `timeout` only measures silence: an answer
 * trickling in would hold it for ever) or when the execution is stopped.
 */
async function send(
	execution: OemExecution,
	options: IHttpRequestOptions,
	credentialsDecrypted: ICredentialsDecrypted,
	timeoutMs: number,
): Promise<Attempt> {
	const { ctx, cancelSignal } = execution;
	if (cancelSignal?.aborted) return { networkCode: CANCELED_UNSENT_CODE };
	const timeout = AbortSignal.timeout(Math.ceil(timeoutMs));
	const abortSignal = cancelSignal ? AbortSignal.any([cancelSignal, timeout]) : timeout;
	// n8n's helper (1.x and 2.x alike) sets the request's abortSignal to its context's execution
	// cancel signal: it is called on a context whose cancel signal is this one.
	const context = Object.create(ctx, { getExecutionCancelSignal: { value: () => abortSignal } }) as OemContext;
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, { ...options, abortSignal }, {
			credentialsDecrypted,
		})) as RawResponse;
		return { response };
	} catch (error) {
		if (timeout.aborted && !cancelSignal?.aborted) return { networkCode: 'ETIMEDOUT' };
		// The caught error may hold the request options, body and secrets included: keep only its code.
		return { networkCode: networkCodeOf(error) };
	}
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
	let secretList: Secrets | undefined;
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
		// (No redirect is followed: the credential's authenticate turns that off.)
	};

	const started = Date.now();
	const outcome: Outcome = { attempts: 0 };
	let failed: Attempt | undefined;
	for (let retry = 0; ; retry++) {
		const leave = await flow.enter();
		const timeoutMs = attemptTimeout(settings, retry, Date.now() - started);
		if (failed && timeoutMs === 0) {
			// Another item's rate-limit pause outlasted the window: the last failure stands.
			leave({ kind: 'neutral' });
			outcome.stoppedBecause = WINDOW_SPENT;
			throw requestFailure(node, request, failed, secrets(), settings, outcome);
		}
		const sentAt = Date.now();
		const attempt = await send(execution, options, credential, timeoutMs);
		const signal = flowSignalOf(attempt, Date.now() - sentAt);
		outcome.attempts++;
		const status = attempt.response?.statusCode;
		if (status !== undefined && status >= 200 && status < 300) {
			leave(signal);
			return parseSuccess(node, request, attempt.response!, secrets);
		}
		const decision = decideRetry({ attempt, retry, settings, idempotent: request.idempotent, elapsedMs: Date.now() - started });
		// Set before the others are let go, so none of them slips out ahead of the pause. Only a 429
		// that every request waits out teaches the limit: one that is not retried holds no other request.
		const pauseAll = decision.retry && decision.pauseAll;
		if (pauseAll) flow.pause(decision.waitMs);
		leave(pauseAll ? { kind: 'rateLimited', response: attempt.response } : signal);
		if (!decision.retry || execution.cancelled) {
			if (!decision.retry) {
				const cutShort = timeoutMs < settings.timeout && attempt.networkCode === 'ETIMEDOUT';
				outcome.stoppedBecause = decision.stoppedBecause ?? (cutShort ? WINDOW_SPENT : undefined);
			}
			throw requestFailure(node, request, attempt, secrets(), settings, outcome);
		}
		failed = attempt;
		// A rate limit's pause is waited out in flow.enter(), by every item alike.
		if (!decision.pauseAll) await waitFor(decision.waitMs, execution.cancelSignal);
	}
}
