import type { INode } from 'n8n-workflow';

import { bodyText, looksLikeHtml, parseJson } from './body';
import { reportedFailure, unexpectedAnswerError } from './errors';
import type { OemRequest, RawResponse, Secrets } from './types';

/**
 * The failure status a body reports (`status`, or the Alerts API's `statusCode`), if it reports
 * one: a number, or the same as a string ("404"), as many servers and gateways echo it.
 */
function reportedFailureStatus(json: unknown): number | undefined {
	if (typeof json !== 'object' || json === null) return undefined;
	// `success: false` (exactly) reports a failure too: the status the body gives, else a server error
	if ((json as Record<string, unknown>).success === false) return reportedFailureStatus({ ...json, success: undefined }) ?? 500;
	const { status, statusCode } = json as Record<string, unknown>;
	const codes = [status, statusCode].map((code) => (typeof code === 'string' && /^\d{3}$/.test(code.trim()) ? Number(code) : code));
	return codes.find((code): code is number => typeof code === 'number' && code >= 400 && code < 600);
}

/**
 * The validated, shaped body of a 2xx answer; anything else is an error that says what came instead.
 * `secrets` is asked for only when there is an error to clean.
 */
export function parseSuccess<T>(node: INode, request: OemRequest<T>, response: RawResponse, secrets: () => Secrets): T {
	const text = bodyText(response.body);
	const empty = text.trim() === '';
	if (empty && !request.emptyAnswerIsSuccess) throw unexpectedAnswerError(node, request, response, text, { kind: 'empty' }, secrets());
	const json = empty ? {} : parseJson(text);
	if (json === undefined) {
		const kind = looksLikeHtml(text) ? 'html' : 'notJson';
		throw unexpectedAnswerError(node, request, response, text, { kind }, secrets());
	}
	const failureStatus = reportedFailureStatus(json);
	const parsed = request.schema.safeParse(json);
	if (failureStatus !== undefined && !(parsed.success && request.answerCannotBeHadAgain)) {
		throw reportedFailure(node, request, response, failureStatus, secrets());
	}
	if (parsed.success) return parsed.data;
	throw unexpectedAnswerError(node, request, response, text, { kind: 'shape', issues: parsed.error.issues }, secrets());
}
