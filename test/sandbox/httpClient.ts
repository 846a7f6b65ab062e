// Calls to the sandbox over real HTTP, for the sandbox's own tests (no node involved).
import * as http from 'node:http';

import type { RunningSandbox } from '../../sandbox';

export interface Answer {
	status: number;
	headers: Headers;
	text: string;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The four client-credential fields ("C") every body carries. */
export function creds(sb: RunningSandbox) {
	return {
		clientId: sb.credentials.clientId,
		clientSecret: sb.credentials.clientSecret,
		grantType: 'client_credentials',
		scope: sb.credentials.scope,
	};
}

/** One request over real HTTP; a string body is sent as is, anything else JSON-encoded. */
export async function call(sb: RunningSandbox, method: string, path: string, body?: unknown): Promise<Answer> {
	const res = await fetch(sb.url + path, {
		method,
		headers: { 'content-type': 'application/json' },
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, headers: res.headers, text, json };
}

/** Same through node:http, for what fetch hides (DELETE bodies, resets, hung answers, a forged Host). */
export function rawRequest(
	url: string,
	method: string,
	path: string,
	body?: string,
	extraHeaders: http.OutgoingHttpHeaders = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
	return new Promise((resolve, reject) => {
		const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', connection: 'close', ...extraHeaders };
		// Node sends no Content-Length for a DELETE body on its own; without it there is no body.
		if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
		const req = http.request(url + path, { method, headers }, (res) => {
			let text = '';
			res.setEncoding('utf8');
			res.on('data', (c: string) => (text += c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

export const API = '/api/oem-api';
