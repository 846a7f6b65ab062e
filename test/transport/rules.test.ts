/**
 * The transport's pure rules, each checked in milliseconds without a server: Retry-After, backoff,
 * the retry decision, network-code classification, the Base URL and path rules, and the
 * wording of status messages (redaction: redact.test.ts). Behaviour against a real server stays in test/faults and test/node.
 */
import type { INode } from 'n8n-workflow';

import { baseUrlProblem } from '../../credentials/MspcOemApi.credentials';
import { statusMessage } from '../../nodes/shared/transport/errors';
import { networkCodeOf } from '../../nodes/shared/transport/networkErrors';
import { decideRetry, isRetryable } from '../../nodes/shared/transport/rateLimit';
import { backoff, retryAfterMs } from '../../nodes/shared/transport/retry';
import { DEFAULT_SETTINGS, MAX_BACKOFF_MS, MAX_RETRY_WINDOW_MS, checkedSettings } from '../../nodes/shared/transport/settings';
import type { OemRequest, RawResponse } from '../../nodes/shared/transport/types';
import { buildPath } from '../../nodes/shared/transport/url';

const answer = (statusCode: number, headers: RawResponse['headers'] = {}): RawResponse => ({ statusCode, headers, body: '' });
const node = { name: 'MSPC OEM', type: 'n8n-nodes-mspc-oem.oemIntegration' } as INode;

describe('Retry-After', () => {
	it.each([
		['2', 2000],
		['0.5', 500],
		[' 10 ', 10_000],
	])('%j seconds → %i ms', (value, ms) => expect(retryAfterMs(answer(429, { 'retry-after': value }))).toBe(ms));

	it('an HTTP date → the time until then, never negative', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs(answer(429, { 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }), now)).toBe(30_000);
		expect(retryAfterMs(answer(429, { 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }), now)).toBe(0);
	});

	it.each([undefined, '', 'soon', '-1', '.5', 'Wed'])('%j → none', (value) => {
		expect(retryAfterMs(answer(429, value === undefined ? {} : { 'retry-after': value }))).toBeUndefined();
	});

	it('0 → no wait; a date far away → all of it (the retry decision then refuses to wait)', () => {
		expect(retryAfterMs(answer(429, { 'retry-after': '0' }))).toBe(0);
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(retryAfterMs(answer(429, { 'retry-after': 'Fri, 01 Jan 2027 00:00:00 GMT' }), now)).toBe(365 * 24 * 3600_000);
	});

	it('the first of repeated headers counts', () => expect(retryAfterMs(answer(429, { 'retry-after': ['3', '9'] }))).toBe(3000));
});

describe('backoff', () => {
	const settings = { ...DEFAULT_SETTINGS, retryDelay: 1000 };
	it('doubles per retry, half of it jitter', () => {
		expect(backoff(0, settings, 0)).toBe(500);
		expect(backoff(0, settings, 1)).toBe(1000);
		expect(backoff(3, settings, 0)).toBe(4000);
		expect(backoff(3, settings, 1)).toBe(8000);
	});
	it(`is capped at ${MAX_BACKOFF_MS} ms`, () => expect(backoff(20, settings, 1)).toBe(MAX_BACKOFF_MS));
});

describe('what is retried', () => {
	it.each([
		[429, true, true],
		[429, false, false],
		[500, true, true],
		[503, false, false],
		[400, true, false],
		[404, true, false],
		[409, false, false],
	])('status %i, idempotent %s → %s', (status, idempotent, expected) => {
		expect(isRetryable({ response: answer(status) }, idempotent)).toBe(expected);
	});

	it('a create is retried after a 429 only when the API says when (it refused, so nothing was created)', () => {
		expect(isRetryable({ response: answer(429, { 'retry-after': '1' }) }, false)).toBe(true);
	});

	it.each([
		['ECONNREFUSED', false, true],
		['ENOTFOUND', false, true],
		['DEPTH_ZERO_SELF_SIGNED_CERT', false, true],
		['ERR_TLS_CERT_ALTNAME_INVALID', false, true],
		// Any other TLS error may come while the answer is read: the create may have been done.
		['ERR_SSL_WRONG_VERSION_NUMBER', false, false],
		['ERR_SSL_WRONG_VERSION_NUMBER', true, true],
		// No route: can also end a connection the request was written to.
		['EHOSTUNREACH', false, false],
		['ENETUNREACH', false, false],
		['EHOSTUNREACH', true, true],
		['ECONNRESET', false, false],
		['ETIMEDOUT', false, false],
		['ECONNRESET', true, true],
		['ERR_CANCELED', true, false],
	])('network %s, idempotent %s → %s', (networkCode, idempotent, expected) => {
		expect(isRetryable({ networkCode }, idempotent)).toBe(expected);
	});
});

describe('the retry decision', () => {
	const settings = { timeout: 1000, maxRetries: 3, retryDelay: 1000 };
	it('waits the backoff, or Retry-After when the API gives one; only a 429 holds every request', () => {
		expect(decideRetry({ attempt: { response: answer(503) }, retry: 1, settings, idempotent: true, elapsedMs: 0, random: 0 })).toEqual({ retry: true, waitMs: 1000, pauseAll: false });
		expect(decideRetry({ attempt: { response: answer(503, { 'retry-after': '7' }) }, retry: 0, settings, idempotent: true, elapsedMs: 0 })).toEqual({ retry: true, waitMs: 7000, pauseAll: false });
		expect(decideRetry({ attempt: { response: answer(429, { 'retry-after': '7' }) }, retry: 0, settings, idempotent: false, elapsedMs: 0 })).toEqual({ retry: true, waitMs: 7000, pauseAll: true });
		expect(decideRetry({ attempt: { response: answer(429, { 'retry-after': '0' }) }, retry: 0, settings, idempotent: true, elapsedMs: 0 })).toEqual({ retry: true, waitMs: 0, pauseAll: true });
	});

	const now = Date.now();
	it.each([
		['0', true],
		['0.5', true],
		['-1', true],
		[`${MAX_RETRY_WINDOW_MS / 1000}`, true],
		[`${MAX_RETRY_WINDOW_MS / 1000 + 1}`, false],
		['3600', false],
		// Past what a timer can hold (2^31 - 1 ms, about 24.8 days).
		[String(30 * 24 * 3600), false],
		['9'.repeat(400), false],
		[new Date(now - 3600_000).toUTCString(), true],
		[new Date(now + 365 * 24 * 3600_000).toUTCString(), false],
	])('a 429 with Retry-After %j: retried %s, and no wait (shared or not) is ever longer than the node keeps trying', (value, retried) => {
		const decision = decideRetry({ attempt: { response: answer(429, { 'retry-after': value }) }, retry: 0, settings, idempotent: true, elapsedMs: 0 });
		expect(decision.retry).toBe(retried);
		if (decision.retry) expect(decision.waitMs).toBeLessThanOrEqual(MAX_RETRY_WINDOW_MS);
		else expect(decision.stoppedBecause).toContain('(Retry-After)');
	});

	it('a 429 that will not be retried (Max Retries used up) asks for no wait at all', () => {
		expect(decideRetry({ attempt: { response: answer(429, { 'retry-after': '60' }) }, retry: 3, settings, idempotent: true, elapsedMs: 0 })).toEqual({ retry: false });
	});

	it('stops when the retries are used up, without a further reason', () => {
		expect(decideRetry({ attempt: { response: answer(503) }, retry: 3, settings, idempotent: true, elapsedMs: 0 })).toEqual({ retry: false });
	});

	it(`stops, and says why, when waiting would pass the ${MAX_RETRY_WINDOW_MS / 1000} s window`, () => {
		const tooLong = decideRetry({ attempt: { response: answer(429, { 'retry-after': '600' }) }, retry: 0, settings, idempotent: true, elapsedMs: 0 });
		expect(tooLong).toEqual({ retry: false, stoppedBecause: expect.stringContaining('asked to wait 600 s (Retry-After)') });
		const late = decideRetry({ attempt: { response: answer(503) }, retry: 0, settings, idempotent: true, elapsedMs: MAX_RETRY_WINDOW_MS - 100, random: 0 });
		expect(late).toEqual({ retry: false, stoppedBecause: expect.stringContaining('longer than the node keeps trying one request') });
	});
});

describe('settings from the options', () => {
	it('bounds what an expression could give', () => {
		expect(checkedSettings({ timeout: -5, maxRetries: 99, retryDelay: 10 ** 9 })).toEqual({ timeout: 1, maxRetries: 10, retryDelay: MAX_BACKOFF_MS });
		expect(checkedSettings({ timeout: '2000', maxRetries: 'x', retryDelay: NaN } as never)).toEqual({ ...DEFAULT_SETTINGS, timeout: 2000 });
	});
});

describe('network error codes', () => {
	it.each([
		[{ code: 'ECONNREFUSED' }, 'ECONNREFUSED'],
		[{ cause: { cause: { code: 'ECONNRESET' } } }, 'ECONNRESET'],
		[{ message: 'wrapped', messages: ['connect ECONNREFUSED 127.0.0.1:1'] }, 'ECONNREFUSED'],
		[{ message: 'timeout of 500ms exceeded' }, 'ETIMEDOUT'],
		[{ message: 'socket hang up' }, 'ECONNRESET'],
		[{ message: 'canceled' }, 'ERR_CANCELED'],
		// n8n's NodeApiError keeps the client's code as httpCode (1.x and 2.x).
		[{ httpCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', messages: ['self-signed certificate'] }, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
		[{ httpCode: 'CERT_HAS_EXPIRED', messages: ['certificate has expired'] }, 'CERT_HAS_EXPIRED'],
		// An unknown code is kept (for the description); TLS words alone prove nothing.
		[{ httpCode: 'ERR_SSL_WRONG_VERSION_NUMBER', messages: ['error:0A00010B:SSL routines:ssl3_get_record:wrong version number'] }, 'ERR_SSL_WRONG_VERSION_NUMBER'],
		[{ message: 'self-signed certificate in certificate chain' }, 'UNKNOWN'],
		[{ message: 'write EPROTO SSL alert bad record mac' }, 'UNKNOWN'],
		[{ httpCode: '500', message: 'something else' }, 'UNKNOWN'],
		['not an object', 'UNKNOWN'],
	])('%j → %s', (error, code) => expect(networkCodeOf(error)).toBe(code));
});

describe('Base URL rule', () => {
	it.each([
		['https://acme.mspcentric.app', undefined],
		['https://acme.mspcentric.app/', undefined],
		['http://127.0.0.1:5680', undefined],
		['http://localhost:5680', undefined],
		['', 'is empty'],
		['acme.mspcentric.app', 'is not a full address'],
		['http://acme.mspcentric.app', 'must start with https://, not http://'],
		['ftp://acme', 'must start with https://'],
		['https://user:pw@acme.mspcentric.app', 'must not contain a user name or password'],
		['https://acme.mspcentric.app/?k=v', 'must not contain a query'],
		['https://acme.mspcentric.app/api/oem-api', 'must be the bare address without a path'],
	])('%j', (url, problem) => {
		if (problem === undefined) expect(baseUrlProblem(url)).toBeUndefined();
		else expect(baseUrlProblem(url)).toContain(problem);
	});

	it('never repeats a login or query, which may hold secrets', () => {
		expect(baseUrlProblem('https://user:hunter22@acme')).not.toContain('hunter22');
		expect(baseUrlProblem('user:hunter22@acme')).not.toContain('hunter22');
	});
});

describe('paths', () => {
	it('encodes every segment, so an id cannot change the route', () => {
		expect(buildPath(node, ['integration', 'a/b?c#d e'], 'update')).toBe('/api/oem-api/integration/a%2Fb%3Fc%23d%20e');
	});
	it.each(['', ' ', '.', '..', '\ud800'])('refuses %j before anything is sent', (id) => {
		expect(() => buildPath(node, ['integration', id], 'update the integration', 2)).toThrow(/Could not update the integration: the ID .* cannot be used/);
	});
});

describe('status messages', () => {
	/** An error as the OEM API words it. */
	const apiAnswer = (status: number): RawResponse => ({
		statusCode: status,
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ status, message: 'said' }),
	});
	const request = { action: 'update the integration', idempotent: true } as unknown as OemRequest<unknown>;
	const create = { action: 'create the integration', idempotent: false, hints: { 409: 'use Integration: Update' } } as unknown as OemRequest<unknown>;
	it.each([
		[401, request, 'Could not update the integration: the client credentials were rejected (401)'],
		[403, request, 'the organization OEM token was rejected (403)'],
		[404, request, "not found (404): check that the credential's Base URL is your MSPCentric address"],
		[409, create, 'it already exists (409): use Integration: Update'],
		[429, request, 'rate limiting requests (429) on all 4 attempts. Lower Items at Once'],
		[429, create, 'The API refused it, so nothing was done'],
		[502, request, 'server error (502) on all 4 attempts'],
		[418, request, 'answered HTTP 418'],
	])('%i', (status, req, text) => {
		expect(statusMessage(status, req, { attempts: 4 }, apiAnswer(status))).toContain(text);
	});

	it('a redirect names only the target origin', () => {
		const message = statusMessage(307, request, { attempts: 1 }, answer(307, { location: 'https://evil.example/path?token=x' }));
		expect(message).toContain('redirect (307) to https://evil.example,');
		expect(message).not.toContain('token=x');
	});

	it.each([
		['an empty body', answer(401), '401 with an empty body'],
		['HTML', { ...answer(404), body: '<html><title>Not Found</title></html>' }, '404 with an HTML page'],
		['JSON without status and message', { ...answer(409), headers: { 'content-type': 'application/json' }, body: '{"error":{"code":409}}' }, "409 with JSON that is not the API's"],
		["the API's JSON sent as text/html", { ...apiAnswer(403), headers: { 'content-type': 'text/html' } }, '403 with a body not sent as JSON'],
	])('a 4xx that is not the API\'s error (%s) names the Base URL, whatever the hints', (_name, response, text) => {
		const message = statusMessage(response.statusCode, create, { attempts: 1 }, response);
		expect(message).toBe(
			`Could not create the integration: the credential's Base URL reached something that is not the MSPC OEM API (it answered ${text}): check that the credential's Base URL is your MSPCentric address`,
		);
	});

	it.each([413, 429, 500, 503])('%i keeps its meaning from a gateway too', (status) => {
		expect(statusMessage(status, request, { attempts: 1 }, answer(status))).not.toContain('not the MSPC OEM API');
	});
});
