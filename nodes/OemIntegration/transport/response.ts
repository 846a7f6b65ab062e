import type { INode } from 'n8n-workflow';
import type { ZodIssue } from 'zod';

import { unexpectedAnswerError } from './errors';
import type { OemRequest } from './request';
import type { Secrets } from './redact';
import type { RawResponse } from './retry';

export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	return Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
}

export function looksLikeHtml(text: string): boolean {
	return /^\s*</.test(text);
}

/** What was wrong with a 2xx answer, for the message. */
export type UnexpectedAnswer =
	| { kind: 'empty' | 'notJson' | 'html' }
	| { kind: 'shape'; issues: ZodIssue[] };

/**
 * The validated, shaped body of a 2xx answer; anything else is an error that says what came instead.
 * `secrets` is asked for only when there is an error to clean.
 */
export function parseSuccess<T>(node: INode, request: OemRequest<T>, response: RawResponse, secrets: () => Secrets): T {
	const text = bodyText(response.body);
	if (text.trim() === '') throw unexpectedAnswerError(node, request, response, text, { kind: 'empty' }, secrets());
	const json = parseJson(text);
	if (json === undefined) {
		const kind = looksLikeHtml(text) ? 'html' : 'notJson';
		throw unexpectedAnswerError(node, request, response, text, { kind }, secrets());
	}
	const parsed = request.schema.safeParse(json);
	if (parsed.success) return parsed.data;
	throw unexpectedAnswerError(node, request, response, text, { kind: 'shape', issues: parsed.error.issues }, secrets());
}
