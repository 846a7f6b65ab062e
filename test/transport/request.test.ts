/**
 * The attempt loop with a fake `send` (n8n's request helper replaced) and fake timers, as n8n's
 * own Discord v2 transport test does: which attempts go out, when, and with what credential.
 * The same rules against a real server are in test/faults/retries.test.ts.
 */
import { NodeApiError, type IHttpRequestOptions } from 'n8n-workflow';
import { z } from 'zod';

import { maybeDoneWarning } from '../../nodes/shared/transport/errors';
import { OemExecution } from '../../nodes/shared/transport/execution';
import { oemApiRequest, type OemRequest } from '../../nodes/shared/transport/request';
import type { RawResponse } from '../../nodes/shared/transport/types';
import { useFakeClock } from '../helpers/fakeClock';

const CREDENTIALS = { baseUrl: 'https://acme.mspcentric.app', clientId: 'id', clientSecret: 'client-secret-1', scope: 'vendor_manage' };
const ok = (body: object = { status: 'success' }): RawResponse => ({ statusCode: 200, headers: {}, body: JSON.stringify(body) });
const status = (statusCode: number, headers: RawResponse['headers'] = {}): RawResponse => ({ statusCode, headers, body: '{"message":"nope"}' });
const networkError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

function fakeExecution(answers: Array<RawResponse | Error>, cancel?: AbortSignal) {
	const sent: Array<{ at: number; options: IHttpRequestOptions; additional: unknown; contextSignal?: AbortSignal }> = [];
	const getCredentials = jest.fn(async () => ({ ...CREDENTIALS }));
	const ctx = {
		getNode: () => ({ name: 'MSPC OEM', credentials: { mspcOemApi: { id: 'cred-7', name: 'Production' } } }),
		getCredentials,
		...(cancel ? { getExecutionCancelSignal: () => cancel } : {}),
		helpers: {
			// As n8n's helper: called on the node's context, whose cancel signal it uses.
			async httpRequestWithAuthentication(this: { getExecutionCancelSignal?: () => AbortSignal }, _type: string, options: IHttpRequestOptions, additional: unknown) {
				sent.push({ at: Date.now(), options, additional, contextSignal: this.getExecutionCancelSignal?.() });
				const next = answers.shift() ?? ok();
				if (next instanceof Error) throw next;
				return next;
			},
		},
	};
	return { execution: new OemExecution(ctx as never), sent, getCredentials };
}

const update: OemRequest<unknown> = {
	method: 'PATCH',
	path: ['integration', 'i-1'],
	body: { organizationOemToken: 'org-token-1', data: { integrationCredentials: { 'api key': 'value-1' } } },
	schema: z.unknown(),
	action: 'update the integration',
	idempotent: true,
	settings: { timeout: 1000, maxRetries: 3, retryDelay: 1000 },
};
const create: OemRequest<unknown> = { ...update, method: 'POST', path: ['integration'], action: 'create the integration', idempotent: false };

beforeEach(() => {
	useFakeClock({ now: 1_000_000 });
	jest.spyOn(Math, 'random').mockReturnValue(0);
});
afterEach(() => {
	jest.useRealTimers();
	jest.restoreAllMocks();
});

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> {
	const outcome = promise.then(
		(value) => ({ value }),
		(error: Error) => ({ error }),
	);
	await jest.runAllTimersAsync();
	return await outcome;
}

it('a 503 on an update is retried after the backoff (half the Retry Delay with no jitter), then succeeds', async () => {
	const { execution, sent } = fakeExecution([status(503), ok()]);
	const { value } = await settle(oemApiRequest(execution, update));
	expect(value).toEqual({ status: 'success' });
	expect(sent.map((s) => s.at - 1_000_000)).toEqual([0, 500]);
});

it('a 429 waits for Retry-After before the next attempt', async () => {
	const { execution, sent } = fakeExecution([status(429, { 'retry-after': '2' }), ok()]);
	await settle(oemApiRequest(execution, update));
	expect(sent.map((s) => s.at - 1_000_000)).toEqual([0, 2000]);
});

it('a create answered 503 is not sent again, and the error says it may have been created', async () => {
	const { execution, sent } = fakeExecution([status(503), ok()]);
	const { error } = await settle(oemApiRequest(execution, create));
	expect(sent).toHaveLength(1);
	expect(error?.message).toContain('server error (503)');
	expect(error?.message).toContain('may have been created anyway');
});

it('a create whose connection was refused (never sent) is retried; one reset mid-request is not', async () => {
	const refused = fakeExecution([networkError('ECONNREFUSED'), ok()]);
	expect((await settle(oemApiRequest(refused.execution, create))).value).toEqual({ status: 'success' });
	expect(refused.sent).toHaveLength(2);

	const reset = fakeExecution([networkError('ECONNRESET'), ok()]);
	const { error } = await settle(oemApiRequest(reset.execution, create));
	expect(reset.sent).toHaveLength(1);
	expect(error?.message).toContain('closed the connection before answering');
});

it('gives up after Max Retries and says how many attempts were made', async () => {
	const { execution, sent } = fakeExecution([status(502), status(502), status(502), status(502), ok()]);
	const { error } = await settle(oemApiRequest(execution, update));
	expect(sent).toHaveLength(4);
	expect(error?.message).toContain('server error (502) on all 4 attempts');
	expect(error?.message).not.toContain('org-token-1');
});

it('reads the credential once per execution and hands it, decrypted, to n8n\'s helper for every request', async () => {
	const { execution, sent, getCredentials } = fakeExecution([status(503)]);
	await settle(Promise.all([oemApiRequest(execution, update), oemApiRequest(execution, { ...update, path: ['integration', 'i-2'] })]));
	expect(getCredentials).toHaveBeenCalledTimes(1);
	expect(sent).toHaveLength(3);
	for (const { additional } of sent) {
		expect(additional).toEqual({ credentialsDecrypted: { id: 'cred-7', name: 'Production', type: 'mspcOemApi', data: CREDENTIALS } });
	}
});

it('identical reads of one execution share one request; a new execution asks again', async () => {
	const list: OemRequest<unknown> = { ...update, method: 'POST', path: ['vendor'], body: {}, shareAcrossItems: true };
	const first = fakeExecution([ok({ vendors: [] })]);
	await settle(Promise.all([1, 2, 3].map(async () => await oemApiRequest(first.execution, list))));
	expect(first.sent).toHaveLength(1);
	const second = fakeExecution([ok({ vendors: [] })]);
	await settle(oemApiRequest(second.execution, list));
	expect(second.sent).toHaveLength(1);
});

it("a shared read's failure names each item that shared it, each with an error of its own", async () => {
	const list: OemRequest<unknown> = { ...update, method: 'POST', path: ['vendor'], body: {}, shareAcrossItems: true, settings: { ...update.settings!, maxRetries: 0 } };
	const { execution, sent } = fakeExecution([status(400)]);
	const errors = await Promise.all([0, 2, 5].map(async (itemIndex) => (await settle(oemApiRequest(execution, { ...list, itemIndex }))).error));
	expect(sent).toHaveLength(1);
	expect(errors.map((error) => (error as NodeApiError).context.itemIndex)).toEqual([0, 2, 5]);
	expect(new Set(errors).size).toBe(3);
	expect(errors.map((error) => error?.message)).toEqual(Array(3).fill(errors[0]?.message));
	expect(errors.every((error) => error instanceof NodeApiError)).toBe(true);
});

// (No redirect is followed: the credential's authenticate() sets that; see test/node/credential.test.ts.)
it('sends the body as JSON text to the Base URL, HTTP errors returned not thrown', async () => {
	const { execution, sent } = fakeExecution([ok()]);
	await settle(oemApiRequest(execution, update));
	expect(sent[0].options).toMatchObject({
		method: 'PATCH',
		url: 'https://acme.mspcentric.app/api/oem-api/integration/i-1',
		body: JSON.stringify(update.body),
		ignoreHttpStatusErrors: true,
		returnFullResponse: true,
	});
});

it("hands n8n's helper one signal for the Timeout and the execution's cancel, in the options and as the context's cancel signal", async () => {
	const stop = new AbortController();
	const { execution, sent } = fakeExecution([ok()], stop.signal);
	await settle(oemApiRequest(execution, update));
	const [{ options, contextSignal }] = sent;
	expect(options.abortSignal).toBeInstanceOf(AbortSignal);
	expect(contextSignal).toBe(options.abortSignal);
	expect(contextSignal?.aborted).toBe(false);
	stop.abort();
	expect(contextSignal?.aborted).toBe(true);
});

it('a stopped execution sends nothing more: a retry after a 503 is not sent', async () => {
	const stop = new AbortController();
	const { execution, sent } = fakeExecution([status(503), ok()], stop.signal);
	const pending = oemApiRequest(execution, update).catch((error: Error) => error);
	await jest.advanceTimersByTimeAsync(100);
	stop.abort();
	const error = await pending;
	expect(sent).toHaveLength(1);
	expect((error as Error).message).toBe('Could not update the integration: the execution was cancelled');
});

it('a create whose retry the stop kept from being sent is not "maybe created": nothing of it reached the API', async () => {
	const stop = new AbortController();
	const { execution, sent } = fakeExecution([networkError('ECONNREFUSED'), ok()], stop.signal);
	const pending = oemApiRequest(execution, create).catch((error: Error) => error);
	await jest.advanceTimersByTimeAsync(100);
	stop.abort();
	const error = (await pending) as Error;
	expect(sent).toHaveLength(1);
	expect(error.message).toBe('Could not create the integration: the execution was cancelled');
	expect(maybeDoneWarning(error)).toBeUndefined();
});

it('no route to the host (EHOSTUNREACH, ENETUNREACH): an update is retried, a create is not (the request may have been written)', async () => {
	for (const code of ['EHOSTUNREACH', 'ENETUNREACH']) {
		const retried = fakeExecution([networkError(code), ok()]);
		expect((await settle(oemApiRequest(retried.execution, update))).value).toEqual({ status: 'success' });
		expect(retried.sent).toHaveLength(2);

		const once = fakeExecution([networkError(code), ok()]);
		const { error } = await settle(oemApiRequest(once.execution, create));
		expect(once.sent).toHaveLength(1);
		expect(error?.message).toContain("the MSPC OEM API's host was unreachable (no route to it)");
		expect(error?.message).toContain('The integration may have been created anyway');
	}
});

it('a 429 that is not retried holds no other request; one that is retried holds all of them for its wait', async () => {
	const tooLong = fakeExecution([status(429, { 'retry-after': '3600' }), ok()]);
	await settle(Promise.all([oemApiRequest(tooLong.execution, update), oemApiRequest(tooLong.execution, { ...update, path: ['integration', 'i-2'] })]).catch(() => undefined));
	await settle(oemApiRequest(tooLong.execution, { ...update, path: ['integration', 'i-3'] }));
	expect(tooLong.sent.map((s) => s.at - 1_000_000)).toEqual([0, 0, 0]);

	const retried = fakeExecution([status(429, { 'retry-after': '2' }), ok(), ok()]);
	await settle(oemApiRequest(retried.execution, update));
	await settle(oemApiRequest(retried.execution, { ...update, path: ['integration', 'i-2'] }));
	expect(retried.sent.map((s) => s.at - 1_000_000)).toEqual([0, 2000, 2000]);
});
