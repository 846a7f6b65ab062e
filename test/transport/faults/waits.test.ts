/**
 * No unbounded wait: a long Retry-After fails its own item without holding the others, a stopped
 * execution ends its waits at once, and Timeout bounds a whole request, also one whose answer
 * trickles in. And which network failures prove a request was never sent (only those let a
 * create be sent again). Each against a real server: the sandbox, or one started here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { INode } from 'n8n-workflow';

import { ActiveTrigger } from '../../helpers/poll';
import { startTlsServer, trustingTestCertificate, type TlsServer } from '../../helpers/tls';
import { runNode } from '../../helpers/workflow';
import { params, run, useFaultSandbox } from './harness';

/** Organization: Create of `count` distinct organizations: one create request per item. */
const organizations = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));
const createOrganizations = (options: INode['parameters']) =>
	params('organizationCreate', {
		name: '=Wait Customer {{ $json.n }}',
		email: '=owner{{ $json.n }}@wait-customer.example',
		additionalFields: { vendorOrganizationId: '=wait-customer-{{ $json.n }}' },
		options,
	});
const organizationCreates = (requests: Array<{ method: string; path: string }>) =>
	requests.filter((r) => r.method === 'POST' && r.path === '/api/oem-api/organization');

const h = useFaultSandbox();

async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Timers started while `body` runs that neither fired nor were cleared when it ended. */
async function timersLeftBehind(body: () => Promise<void>, minDelayMs: number): Promise<number[]> {
	const pending = new Map<unknown, number>();
	const realSet = global.setTimeout;
	const realClear = global.clearTimeout;
	const set = jest.spyOn(global, 'setTimeout').mockImplementation(((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
		const handle: unknown = realSet((...a: unknown[]) => {
			pending.delete(handle);
			fn(...a);
		}, ms, ...args);
		if ((ms ?? 0) >= minDelayMs) pending.set(handle, ms ?? 0);
		return handle;
	}) as typeof setTimeout);
	const clear = jest.spyOn(global, 'clearTimeout').mockImplementation(((handle: Parameters<typeof clearTimeout>[0]) => {
		pending.delete(handle);
		realClear(handle);
	}) as typeof clearTimeout);
	try {
		await body();
	} finally {
		set.mockRestore();
		clear.mockRestore();
	}
	const left = [...pending.values()];
	for (const handle of pending.keys()) realClear(handle as Parameters<typeof clearTimeout>[0]);
	return left;
}

describe('a long Retry-After', () => {
	test.each([
		['3600 s, past the time the node keeps trying', { 'retry-after': '3600' }, 3, 'asked to wait 3600 s (Retry-After)'],
		['30 days, past what a timer can hold', { 'retry-after': String(30 * 24 * 3600) }, 3, 'asked to wait 2592000 s (Retry-After)'],
		['a date a year away', { 'retry-after': new Date(Date.now() + 365 * 24 * 3600_000).toUTCString() }, 3, '(Retry-After)'],
		['60 s, with Max Retries 0 (so not retried)', { 'retry-after': '60' }, 0, 'rate limiting requests (429)'],
	])(
		'%s: that item fails at once, the other items do not wait for it',
		async (_name, headers, maxRetries, text) => {
			h.sandbox.injectNext({ status: 429, headers });
			const outcome = await run(h, {
				parameters: createOrganizations({ concurrency: 1, maxRetries }),
				items: organizations(3),
				continueOnFail: true,
			});
			expect(outcome.output!.map((item) => item.json.error ?? 'created')).toEqual([expect.stringContaining(text), 'created', 'created']);
			expect(organizationCreates(outcome.requests)).toHaveLength(3);
		},
		20_000,
	);

	test('Retry-After 0 is retried at once; -1 and fractions are read as the standard allows', async () => {
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '0' } });
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '-1' } });
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '0.2' } });
		const outcome = await run(h, { parameters: params('vendorList', { options: { maxRetries: 3, retryDelay: 1 } }) });
		expect(outcome.error).toBeUndefined();
		expect(outcome.requests).toHaveLength(4);
		// A create is retried after a 429 only when the API says when: "-1" says nothing.
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '-1' } });
		const create = await run(h, { parameters: createOrganizations({ maxRetries: 3 }), items: organizations(1) });
		expect(create.error?.message).toContain('The API refused it, so nothing was done');
		expect(organizationCreates(create.requests)).toHaveLength(1);
	});

	test('stopping the execution ends the shared pause at once: nothing more is sent', async () => {
		// Within the time the node keeps trying, so the pause is taken.
		h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '20' } });
		h.sandbox.clearRequests();
		const stop = new AbortController();
		const running = runNode({
			credentials: h.credentials,
			parameters: createOrganizations({ concurrency: 1, maxRetries: 3 }),
			items: organizations(2),
			cancel: stop.signal,
		});
		await until(() => h.sandbox.requests.length > 0);
		stop.abort();
		const { run: result } = await running;
		expect(result.status).toBe('canceled');
		expect(organizationCreates(h.sandbox.requests)).toHaveLength(1);
	}, 10_000);

	test('stopping the execution during a 429 pause leaves no timer of the pause running (none holds the stopped execution)', async () => {
		const left = await timersLeftBehind(async () => {
			h.sandbox.injectNext({ status: 429, headers: { 'retry-after': '60' } });
			const stop = new AbortController();
			const running = runNode({
				credentials: h.credentials,
				parameters: params('vendorList', { options: { maxRetries: 3 } }),
				items: [{}, {}, {}],
				cancel: stop.signal,
			});
			await until(() => h.sandbox.requests.length > 0);
			await new Promise((resolve) => setTimeout(resolve, 100));
			stop.abort();
			expect((await running).run.status).toBe('canceled');
		}, 10_000);
		expect(left).toEqual([]);
	}, 15_000);
});

describe('Stop under Continue On Fail', () => {
	test('no item starts after the stop, and none that was never sent says it may have been created', async () => {
		h.sandbox.injectNext({ action: 'hang' });
		const stop = new AbortController();
		const running = runNode({
			credentials: h.credentials,
			parameters: createOrganizations({ concurrency: 1, timeout: 60_000 }),
			items: organizations(5),
			continueOnFail: true,
			cancel: stop.signal,
		});
		await until(() => h.sandbox.requests.length > 0);
		stop.abort();
		const { output } = await running;
		expect(h.sandbox.requests).toHaveLength(1);
		for (const item of output.slice(1)) expect(String(item.json.error ?? '')).not.toContain('may have been created');
	}, 15_000);
});

/** Answers every request with its headers, then one byte every 300 ms, never finishing. */
async function startTrickleServer() {
	const requests: string[] = [];
	const server: Server = createServer((req, res) => {
		requests.push(`${req.method} ${req.url}`);
		req.resume();
		res.writeHead(200, { 'content-type': 'application/json' });
		res.write('{');
		const drip = setInterval(() => res.write(' '), 300);
		res.on('close', () => clearInterval(drip));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		stop: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('Timeout bounds the whole request', () => {
	let trickle: Awaited<ReturnType<typeof startTrickleServer>>;
	beforeAll(async () => (trickle = await startTrickleServer()));
	afterAll(async () => await trickle.stop());
	beforeEach(() => trickle.requests.splice(0));
	const atTrickle = () => ({ ...h.credentials, baseUrl: trickle.url });

	test('a read whose answer trickles in: each attempt ends at the Timeout, and it is retried', async () => {
		const outcome = await runNode({
			credentials: atTrickle(),
			parameters: params('vendorList', { options: { timeout: 1000, maxRetries: 1, retryDelay: 1 } }),
			continueOnFail: true,
		});
		expect(outcome.output[0].json.error).toBe('Could not list the vendors: the MSPC OEM API did not answer within 1000 ms (2 attempts); raise the Timeout option if it is just slow');
		expect(trickle.requests).toHaveLength(2);
	}, 20_000);

	test('a create whose answer trickles in: not sent again, and the item says it may have been done', async () => {
		const outcome = await runNode({
			credentials: atTrickle(),
			parameters: createOrganizations({ timeout: 1000, maxRetries: 3 }),
			items: organizations(1),
			continueOnFail: true,
		});
		expect(outcome.output[0].json.error).toContain('did not answer within 1000 ms');
		expect(outcome.output[0].json.error).toContain('may have been created anyway');
		expect(trickle.requests).toHaveLength(1);
	}, 20_000);

	test("a trigger poll whose answer trickles in fails at the Timeout (the poll's requests have no execution to stop them)", async () => {
		const trigger = new ActiveTrigger(atTrickle(), { event: 'vendorAdded', options: { timeout: 1000, maxRetries: 0 } });
		await expect(trigger.poll()).rejects.toThrow('did not answer within 1000 ms');
		expect(trickle.requests).toHaveLength(1);
	}, 20_000);

	test('stopping the execution ends a trickling request long before its Timeout', async () => {
		const stop = new AbortController();
		const running = runNode({
			credentials: atTrickle(),
			parameters: params('vendorList', { options: { timeout: 600_000, maxRetries: 3 } }),
			cancel: stop.signal,
		});
		await until(() => trickle.requests.length > 0);
		stop.abort();
		expect((await running).run.status).toBe('canceled');
		expect(trickle.requests).toHaveLength(1);
	}, 20_000);
});

describe('TLS failures: only a failed certificate check proves nothing was sent', () => {
	let tls: TlsServer | undefined;
	afterEach(async () => await tls?.stop());
	const parameters: INode['parameters'] = createOrganizations({ maxRetries: 2, retryDelay: 1 });

	test("an untrusted certificate: the create never reached the server, so it is tried again, and the error names the check's code", async () => {
		tls = await startTlsServer(() => {});
		const outcome = await runNode({ credentials: { ...h.credentials, baseUrl: tls.url }, parameters, items: organizations(1), continueOnFail: true });
		expect(outcome.output[0].json.error).toBe(
			"Could not create the organization: the TLS certificate of the Base URL's host was not accepted (3 attempts); check the credential's Base URL",
		);
		expect(outcome.output[0].json.description).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
		expect(tls.connections).toBe(3);
		expect(tls.requests).toHaveLength(0);
	});

	test('a TLS error while the answer is read (after the request was sent): the create is not sent again', async () => {
		// Bytes that are no TLS record, written under TLS once the request has arrived.
		tls = await startTlsServer((_tls, raw) => raw.write('this is not a TLS record\r\n'));
		const outcome = await trustingTestCertificate(
			async () => await runNode({ credentials: { ...h.credentials, baseUrl: tls!.url }, parameters, items: organizations(1), continueOnFail: true }),
		);
		expect(tls.requests).toEqual(['POST /api/oem-api/organization HTTP/1.1']);
		expect(outcome.output[0].json.error).toContain('Could not create the organization: the connection to the MSPC OEM API failed before an answer arrived');
		expect(outcome.output[0].json.error).toContain('may have been created anyway');
	});
});
