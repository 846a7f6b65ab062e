/**
 * Every message the transport gives, worded for the user: what failed, why, and what to do,
 * with the API's own words (secrets removed) in the description.
 */
import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { BASE_URL_HINT, apiStatusWords, notTheOemApi } from '../../../credentials/MspcOemApi.credentials';
import { apiErrorSchema, oemErrorSchema } from '../schemas/answers';
import { bodyText, looksLikeHtml, parseJson } from './body';
import {
	CANCELED_CODE,
	CANCELED_UNSENT_CODE,
	CERTIFICATE_CODES,
	CONNECT_CODES,
	NOT_SENT_CODES,
	RESET_CODES,
	TIMEOUT_CODES,
	UNREACHABLE_CODES,
} from './networkErrors';
import { SCANNED_LENGTH, excerpt, redact } from './redact';
import type { RequestSettings } from './settings';
import type { Attempt, OemRequest, Outcome, RawResponse, Secrets, UnexpectedAnswer } from './types';

const UNCERTAIN = { maybe: 'The integration may have been created', check: 'check with Integration: List' };
const uncertainOf = (request: OemRequest<unknown>) => request.uncertain ?? UNCERTAIN;
/** The warning for a failure after which the request may have been carried out; none for a read. */
const uncertainWarning = (request: OemRequest<unknown>) => {
	if (request.idempotent) return request.appliedWarning;
	const { maybe, check } = uncertainOf(request);
	return `${maybe} anyway: ${check} before running this item again`;
};

/** Where an error keeps the warning that what failed may have been done all the same. */
const MAYBE_DONE = Symbol('maybeDone');

/** Marks the error of a request that may have been carried out although it failed. */
function maybeDone<E extends Error>(error: E, warning: string): E {
	Object.defineProperty(error, MAYBE_DONE, { value: warning });
	return error;
}

/**
 * For an error whose request may have been carried out (no clear answer to a request that is
 * not idempotent), the warning its message ends with: what may have been done, and how to check.
 */
export function maybeDoneWarning(error: unknown): string | undefined {
	const warning = error instanceof Error ? (error as Error & { [MAYBE_DONE]?: unknown })[MAYBE_DONE] : undefined;
	return typeof warning === 'string' ? warning : undefined;
}

/** A tag and its words, up to its end tag; bounded, so that an unclosed tag repeated is not scanned to the end each time. */
const element = (name: string) => new RegExp(String.raw`<${name}[^<>]{0,1000}>([\s\S]{0,1000}?)<\/${name}>`, 'i');
const TITLE = element('title');
const HEADING = element('h1');

/** "an HTML page (title: 502 Bad Gateway)", from the page's start (a title is near the top). */
function describeHtml(text: string, secrets: Secrets): string {
	const start = text.slice(0, SCANNED_LENGTH);
	const title = TITLE.exec(start)?.[1];
	const heading = HEADING.exec(start)?.[1];
	const words = (title ?? heading ?? '').replace(/<[^<>]*>/g, '');
	return `an HTML page instead of JSON${words.trim() ? ` (titled "${excerpt(words, secrets, 100)}")` : ''}`;
}

/** A 2xx answer that is not the JSON the operation expects. */
export function unexpectedAnswerError(
	node: INode,
	request: OemRequest<unknown>,
	response: RawResponse,
	text: string,
	problem: UnexpectedAnswer,
	secrets: Secrets,
): NodeApiError {
	const issues = (problem.kind === 'shape' ? problem.issues : [])
		.slice(0, 3)
		.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
		.join('; ');
	const detail = {
		empty: 'an empty body',
		notJson: 'a body that is not JSON',
		html: problem.kind === 'html' ? describeHtml(text, secrets) : '',
		shape: `a body of an unexpected shape (${issues})`,
	}[problem.kind];
	let message = `Could not ${request.action}: the MSPC OEM API answered ${response.statusCode} with ${detail}`;
	const warning = request.idempotent
		? undefined
		: `The API reported success, so it was probably done: ${uncertainOf(request).check} before running this item again`;
	if (warning) message += `. ${warning}`;
	const start = text.trim() ? ` Start of the answer: ${excerpt(text, secrets, 200)}` : '';
	const error = new NodeApiError(node, { message: 'Unexpected response', httpCode: String(response.statusCode) } as JsonObject, {
		message: redact(message, secrets),
		description: `Check that the credential's Base URL points at the MSPC OEM API.${start}`,
		httpCode: String(response.statusCode),
		itemIndex: request.itemIndex,
	});
	return warning ? maybeDone(error, warning) : error;
}

/** The API's own words from an error body, if it sent any. */
export function apiMessage(text: string, secrets: Secrets): string {
	const parsed = apiErrorSchema.safeParse(parseJson(text));
	if (parsed.success) {
		const message = parsed.data.message ?? parsed.data.error;
		if (message) return `The API said: ${excerpt(Array.isArray(message) ? message.join('; ') : message, secrets, 500)}`;
	}
	if (looksLikeHtml(text)) return `The API answered with ${describeHtml(text, secrets)}, as a proxy or gateway in front of it does`;
	return text.trim() ? `The API said: ${excerpt(text, secrets, 300)}` : 'The API sent no message (empty body)';
}

/**
 * What a 4xx answer that is not the OEM API's error was, or undefined for the API's own: JSON, sent
 * as JSON, with a message and a status. (413 and 429 keep their meaning from a gateway too.)
 */
function foreignAnswer(status: number, response: RawResponse): string | undefined {
	if (status < 400 || status >= 500 || status === 413 || status === 429) return undefined;
	const text = bodyText(response.body);
	if (text.trim() === '') return 'an empty body';
	if (looksLikeHtml(text)) return 'an HTML page';
	const json = parseJson(text);
	if (json === undefined) return 'a body that is not JSON';
	if (!oemErrorSchema.safeParse(json).success) return "JSON that is not the API's";
	const type = response.headers['content-type'];
	return /\bjson\b/i.test(String(type ?? '')) ? undefined : 'a body not sent as JSON';
}

/** What another server's answer was: its HTML page's title, or its start. */
function answerDescription(text: string, secrets: Secrets): string {
	if (looksLikeHtml(text)) return `It answered with ${describeHtml(text, secrets)}.`;
	return text.trim() ? `Start of the answer: ${excerpt(text, secrets, 300)}` : 'The answer was empty.';
}

/** "Could not <action>: <why>[: <hint>][. <what to do>]" for an HTTP error status. */
export function statusMessage(status: number, request: OemRequest<unknown>, outcome: Outcome, response: RawResponse): string {
	const foreign = foreignAnswer(status, response);
	// Another server's 404 says nothing about the ID, nor its 401 about the client secret.
	if (foreign) return `Could not ${request.action}: ${notTheOemApi(`it answered ${status} with ${foreign}`)}`;
	const retries = outcome.attempts - 1;
	const through = retries > 0 ? ` on all ${outcome.attempts} attempts` : '';
	const why: Record<number, string> = {
		403: 'the organization OEM token was rejected (403): check the Organization OEM Token parameter',
		404: `not found (404)`,
		405: `the MSPC OEM API does not accept this request method (405): ${BASE_URL_HINT}`,
		409: 'it already exists (409)',
		413: 'the request is too large for the MSPC OEM API (413): send fewer or shorter credential values',
	};
	const shared = apiStatusWords(status);
	let text: string;
	if (why[status]) text = why[status];
	else if (shared) text = status === 429 || status >= 500 ? `${shared}${through}` : shared;
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
			: '. The API refused it, so nothing was done: run this item again later';
	}
	if (outcome.stoppedBecause) text += `. Stopped retrying: ${outcome.stoppedBecause}`;
	return `Could not ${request.action}: ${text}`;
}

/**
 * Whether an answer with this status leaves open that the request was carried out: a server error
 * (it may have failed after the work), and a redirect that can point to the result of work done
 * (303 See Other; 301 and 302, which frameworks send for the same after a POST). 307 and 308 ask
 * for the very request to be sent elsewhere, so it was not carried out here.
 */
const mayHaveBeenDone = (status: number) => status >= 500 || [301, 302, 303].includes(status);

/** The error for a failure status: the answer's, or one a 2xx answer reports in its body (`note` says so). */
function statusFailure(
	node: INode,
	request: OemRequest<unknown>,
	status: number,
	response: RawResponse,
	secrets: Secrets,
	outcome: Outcome,
	note = '',
): NodeApiError {
	let message = statusMessage(status, request, outcome, response) + note;
	const warning = mayHaveBeenDone(status) ? uncertainWarning(request) : undefined;
	if (warning) message += `. ${warning}`;
	message = redact(message, secrets);
	const text = bodyText(response.body);
	const error = new NodeApiError(node, { message, httpCode: String(status) } as JsonObject, {
		message,
		description: foreignAnswer(status, response) ? answerDescription(text, secrets) : apiMessage(text, secrets),
		httpCode: String(status),
		itemIndex: request.itemIndex,
	});
	return warning ? maybeDone(error, warning) : error;
}

/**
 * A 2xx answer whose body reports a failure: the body's `status` repeats the HTTP code (the docs),
 * so one of 400 or more says the API did not do what was asked, whatever the HTTP code claims.
 */
export function reportedFailure(node: INode, request: OemRequest<unknown>, response: RawResponse, status: number, secrets: Secrets): NodeApiError {
	const body = (parseJson(bodyText(response.body)) ?? {}) as Record<string, unknown>;
	const givesStatus = [body.status, body.statusCode].some((code) => String(code).trim() === String(status));
	const note = `. The API answered HTTP ${response.statusCode}, with ${givesStatus ? `status ${status}` : 'success: false'} in its body`;
	return statusFailure(node, request, status, response, secrets, { attempts: 1 }, note);
}

/** The error for a request that did not succeed: an HTTP error status or a network failure. */
export function requestFailure(
	node: INode,
	request: OemRequest<unknown>,
	attempt: Attempt,
	secrets: Secrets,
	settings: RequestSettings,
	outcome: Outcome,
): NodeApiError {
	const { response, networkCode } = attempt;
	if (response) return statusFailure(node, request, response.statusCode, response, secrets, outcome);
	const code = networkCode ?? 'UNKNOWN';
	const through = outcome.attempts > 1 ? ` (${outcome.attempts} attempts)` : '';
	// The code goes into the description: n8n replaces any message that names one with its own text.
	let message: string;
	if (CERTIFICATE_CODES.includes(code)) {
		message = `Could not ${request.action}: the TLS certificate of the Base URL's host was not accepted${through}; check the credential's Base URL`;
	} else if (CONNECT_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API could not be reached${through}; check the credential's Base URL and your network`;
	} else if (UNREACHABLE_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API's host was unreachable (no route to it)${through}; check the credential's Base URL and your network`;
	} else if (TIMEOUT_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API did not answer within ${settings.timeout} ms${through}; raise the Timeout option if it is just slow`;
	} else if (RESET_CODES.includes(code)) {
		message = `Could not ${request.action}: the MSPC OEM API closed the connection before answering${through}`;
	} else if (code === CANCELED_CODE || code === CANCELED_UNSENT_CODE) {
		message = `Could not ${request.action}: the execution was cancelled`;
	} else {
		message = `Could not ${request.action}: the connection to the MSPC OEM API failed before an answer arrived${through}`;
	}
	if (outcome.stoppedBecause) message += `. Stopped retrying: ${outcome.stoppedBecause}`;
	const warning = !NOT_SENT_CODES.includes(code) ? uncertainWarning(request) : undefined;
	if (warning) message += `. ${warning}`;
	const error = new NodeApiError(node, { message } as JsonObject, {
		message,
		description:
			code === CANCELED_UNSENT_CODE
				? 'The execution was stopped before this request was sent.'
				: `No answer was received (network error ${code}), so the API gave no message of its own.`,
		itemIndex: request.itemIndex,
	});
	return warning ? maybeDone(error, warning) : error;
}
