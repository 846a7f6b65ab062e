import { performance } from 'node:perf_hooks';

import { DEMO_ORGANIZATION_TOKEN, startSandbox } from '../../sandbox';
import { isLoopback } from '../../sandbox/admin';
import { DEFAULT_FAULTS, Faults } from '../../sandbox/faults';
import { useSandbox } from '../helpers/useSandbox';
import { API, call, creds, rawRequest } from './httpClient';

const running = useSandbox();

const vendors = () => call(running.sandbox, 'POST', `${API}/vendor`, creds(running.sandbox));
const demo = () => ({ ...creds(running.sandbox), organizationOemToken: DEMO_ORGANIZATION_TOKEN });
const newOrg = (n: number) => ({ ...creds(running.sandbox), data: { name: `Fault MSP ${n}`, email: `o${n}@fault.example`, vendorOrganizationId: `f-${n}` } });
const orgCount = () => running.sandbox.state().organizations.length;

describe('defaults', () => {
	it('no faults are on unless asked for', async () => {
		// Spelled out, not DEFAULT_FAULTS: an independent statement of the defaults, so a fault
		// switched on by default in faults.ts fails here instead of passing by comparison with itself.
		expect(running.sandbox.getFaults()).toEqual({
			latencyMs: 0,
			jitterMs: 0,
			errorRate: 0,
			faultPhase: 'before',
			throttleRate: 0,
			retryAfterSeconds: 1,
			rateLimit: null,
		});
		for (let i = 0; i < 20; i++) expect((await vendors()).status).toBe(200);
	});

	it('invalid settings are refused', () => {
		expect(() => running.sandbox.setFaults({ errorRate: 1.5 })).toThrow(/errorRate/);
		expect(() => running.sandbox.setFaults({ latencyMs: -1 })).toThrow(/latencyMs/);
		expect(() => running.sandbox.setFaults({ faultPhase: 'during' as 'before' })).toThrow(/faultPhase/);
		expect(() => running.sandbox.setFaults({ nope: 1 } as object)).toThrow(/nope/);
		expect(() => running.sandbox.injectNext({ action: 'explode' as 'reset' })).toThrow(/action/);
	});
});

describe('latency', () => {
	it('every answer takes at least the injected latency', async () => {
		running.sandbox.setFaults({ latencyMs: 150 });
		for (let i = 0; i < 3; i++) {
			const started = performance.now();
			expect((await vendors()).status).toBe(200);
			// 2 ms of slack for the millisecond rounding of timers and clocks.
			expect(performance.now() - started).toBeGreaterThanOrEqual(148);
		}
	});

	it('jitter adds to it, never removes', async () => {
		running.sandbox.setFaults({ latencyMs: 50, jitterMs: 50 });
		const started = performance.now();
		await vendors();
		expect(performance.now() - started).toBeGreaterThanOrEqual(48);
	});
});

describe('random 5xx', () => {
	it('a share of 1.0 answers every request with 500/502/503/504 and a JSON body', async () => {
		running.sandbox.setFaults({ errorRate: 1 });
		const seen = new Set<number>();
		for (let i = 0; i < 40; i++) {
			const r = await vendors();
			expect([500, 502, 503, 504]).toContain(r.status);
			expect(r.json).toEqual({ status: r.status, message: expect.stringContaining('injected') });
			seen.add(r.status);
		}
		expect(seen.size).toBeGreaterThan(1);
	});

	it('a share of 0.5 gives a mix, identical for the same random seed', async () => {
		const run = async () => {
			const s = await startSandbox({ randomSeed: 42, faults: { errorRate: 0.5 } });
			try {
				const statuses: number[] = [];
				for (let i = 0; i < 30; i++) statuses.push((await call(s, 'POST', `${API}/vendor`, creds(s))).status);
				return statuses;
			} finally {
				await s.stop();
			}
		};
		const first = await run();
		expect(first).toContain(200);
		expect(first.some((s) => s >= 500)).toBe(true);
		expect(await run()).toEqual(first);
	});

	it('faultPhase "before" (default): the request is not processed', async () => {
		running.sandbox.setFaults({ errorRate: 1 });
		const before = orgCount();
		const r = await call(running.sandbox, 'POST', `${API}/organization`, newOrg(1));
		expect(r.status).toBeGreaterThanOrEqual(500);
		expect(orgCount()).toBe(before);
	});

	it('faultPhase "after": the request is processed, only the answer is lost', async () => {
		running.sandbox.setFaults({ errorRate: 1, faultPhase: 'after' });
		const before = orgCount();
		const r = await call(running.sandbox, 'POST', `${API}/organization`, newOrg(2));
		expect(r.status).toBeGreaterThanOrEqual(500);
		expect(r.text).not.toContain('organizationOemToken');
		expect(orgCount()).toBe(before + 1);
		// A blind retry of the create now meets the organization it created.
		running.sandbox.setFaults({ errorRate: 0 });
		expect((await call(running.sandbox, 'POST', `${API}/organization`, newOrg(2))).status).toBe(409);
	});
});

describe('429', () => {
	it('a throttle share of 1.0 answers 429 with Retry-After and {statusCode, message}', async () => {
		running.sandbox.setFaults({ throttleRate: 1, retryAfterSeconds: 7 });
		const r = await vendors();
		expect(r.status).toBe(429);
		expect(r.headers.get('retry-after')).toBe('7');
		expect(r.json).toEqual({ statusCode: 429, message: expect.any(String) });
	});

	it('a real rate limit lets N requests through per window, then 429 with Retry-After', async () => {
		running.sandbox.setFaults({ rateLimit: { requests: 3, windowSeconds: 60 } });
		for (let i = 0; i < 3; i++) expect((await vendors()).status).toBe(200);
		for (let i = 0; i < 2; i++) {
			const r = await vendors();
			expect(r.status).toBe(429);
			const retryAfter = Number(r.headers.get('retry-after'));
			expect(retryAfter).toBeGreaterThanOrEqual(1);
			expect(retryAfter).toBeLessThanOrEqual(60);
			expect(r.json.statusCode).toBe(429);
		}
		// The request log says how each was answered.
		expect(running.sandbox.requests.slice(-5).map((request) => request.status)).toEqual([200, 200, 200, 429, 429]);
		// Rejected requests do not count: turning it off and on again starts a fresh window.
		running.sandbox.setFaults({ rateLimit: null });
		expect((await vendors()).status).toBe(200);
		running.sandbox.setFaults({ rateLimit: { requests: 1, windowSeconds: 60 } });
		expect((await vendors()).status).toBe(200);
		expect((await vendors()).status).toBe(429);
	});

	it('the window slides (checked on the fault controller with an explicit clock)', () => {
		const f = new Faults({ ...DEFAULT_FAULTS, rateLimit: { requests: 2, windowSeconds: 10 } }, 1);
		const at = (ms: number) => f.decide('POST', '/x', '127.0.0.1', ms);
		expect(at(0).kind).toBe('none');
		expect(at(4000).kind).toBe('none');
		expect(at(5000)).toEqual({ kind: 'rateLimited', retryAfterSeconds: 5 });
		expect(at(9999)).toEqual({ kind: 'rateLimited', retryAfterSeconds: 1 });
		expect(at(10001).kind).toBe('none'); // the request at 0 left the window
		expect(at(10002)).toEqual({ kind: 'rateLimited', retryAfterSeconds: 4 });
		// Per client address.
		expect(f.decide('POST', '/x', '127.0.0.2', 10002).kind).toBe('none');
	});
});

describe('scripted faults (injectNext)', () => {
	it('any status with a custom body, once, then back to normal', async () => {
		running.sandbox.injectNext({ status: 418, body: '{"status":418,"message":"teapot"}' });
		const r = await vendors();
		expect(r.status).toBe(418);
		expect(r.json).toEqual({ status: 418, message: 'teapot' });
		expect((await vendors()).status).toBe(200);
	});

	it('an HTML error page', async () => {
		running.sandbox.injectNext({ status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' });
		const r = await vendors();
		expect(r.status).toBe(502);
		expect(r.headers.get('content-type')).toBe('text/html');
		expect(r.text).toContain('<h1>502 Bad Gateway</h1>');
	});

	it('malformed JSON and wrong-shaped JSON with 200', async () => {
		running.sandbox.injectNext({ status: 200, body: '{"status":200,"vendors":[' });
		const malformed = await vendors();
		expect(malformed.status).toBe(200);
		expect(malformed.json).toBeUndefined();
		running.sandbox.injectNext({ status: 200, body: { status: 200, vendors: 'not-a-list' } });
		const wrong = await vendors();
		expect(wrong.status).toBe(200);
		expect(wrong.json).toEqual({ status: 200, vendors: 'not-a-list' });
	});

	it('an empty body', async () => {
		running.sandbox.injectNext({ action: 'empty' });
		const r = await vendors();
		expect(r.status).toBe(200);
		expect(r.text).toBe('');
		expect(r.headers.get('content-length')).toBe('0');
		running.sandbox.injectNext({ action: 'empty', status: 204 });
		expect((await vendors()).status).toBe(204);
	});

	it('a connection reset', async () => {
		running.sandbox.injectNext({ action: 'reset' });
		await expect(rawRequest(running.sandbox.url, 'POST', `${API}/vendor`, JSON.stringify(creds(running.sandbox)))).rejects.toThrow(/socket hang up|ECONNRESET/);
		await expect(vendors()).resolves.toMatchObject({ status: 200 });
	});

	it('a reset after processing: state changed although the client saw no answer', async () => {
		running.sandbox.injectNext({ action: 'reset', phase: 'after', path: `${API}/organization` });
		const before = orgCount();
		await expect(rawRequest(running.sandbox.url, 'POST', `${API}/organization`, JSON.stringify(newOrg(3)))).rejects.toThrow();
		expect(orgCount()).toBe(before + 1);
	});

	it('a hang: no answer until the client gives up', async () => {
		running.sandbox.injectNext({ action: 'hang' });
		await expect(fetch(`${running.sandbox.url}${API}/vendor`, { method: 'POST', body: JSON.stringify(creds(running.sandbox)), signal: AbortSignal.timeout(300) })).rejects.toThrow(
			/abort|timeout/i,
		);
		expect((await vendors()).status).toBe(200);
	});

	it('matches path (string or RegExp) and method, and honours times', async () => {
		running.sandbox.injectNext({ path: /\/integration\/list$/, method: 'post', times: 2, status: 503 });
		expect((await vendors()).status).toBe(200);
		expect((await call(running.sandbox, 'POST', `${API}/integration/list`, demo())).status).toBe(503);
		expect((await call(running.sandbox, 'POST', `${API}/integration/list`, demo())).status).toBe(503);
		expect((await call(running.sandbox, 'POST', `${API}/integration/list`, demo())).status).toBe(200);
		running.sandbox.injectNext({ path: `${API}/user`, method: 'DELETE', status: 500 });
		expect((await call(running.sandbox, 'POST', `${API}/user`, { ...creds(running.sandbox), data: { email: 'n@demo-msp.example' } })).status).toBe(201);
		expect((await call(running.sandbox, 'DELETE', `${API}/user`, demo())).status).toBe(500);
	});

	it('several queued faults answer in order; custom headers are sent', async () => {
		running.sandbox.injectNext({ status: 503, headers: { 'retry-after': '2' } });
		running.sandbox.injectNext({ status: 429, body: { statusCode: 429, message: 'slow down' }, headers: { 'retry-after': '3' } });
		const a = await vendors();
		const b = await vendors();
		expect([a.status, a.headers.get('retry-after')]).toEqual([503, '2']);
		expect([b.status, b.headers.get('retry-after'), b.json.message]).toEqual([429, '3', 'slow down']);
		expect((await vendors()).status).toBe(200);
	});

	it('stop() closes hung sockets', async () => {
		const s = await startSandbox();
		s.injectNext({ action: 'hang' });
		const pending = rawRequest(s.url, 'POST', `${API}/vendor`, JSON.stringify(creds(s)));
		await new Promise((r) => setTimeout(r, 100));
		await s.stop();
		await expect(pending).rejects.toThrow(/socket hang up|ECONNRESET/);
	});
});

describe('request log', () => {
	it('records method, raw path, headers, raw and parsed body of API requests only', async () => {
		const body = `{${JSON.stringify(demo()).slice(1, -1)},"data":{"integrationCredentials":{"api key":"k"}}}`;
		await call(running.sandbox, 'PATCH', `${API}/integration/a%2Fb%20c?x=1`, body);
		await fetch(`${running.sandbox.url}/__admin/state`);
		expect(running.sandbox.requests).toHaveLength(1);
		const [r] = running.sandbox.requests;
		expect(r).toEqual({
			method: 'PATCH',
			path: `${API}/integration/a%2Fb%20c?x=1`,
			headers: expect.objectContaining({ 'content-type': 'application/json' }),
			rawBody: body,
			body: JSON.parse(body),
			at: expect.any(Number),
			status: 404,
		});
		await call(running.sandbox, 'POST', `${API}/vendor`, 'not json');
		expect(running.sandbox.requests[1]).toMatchObject({ rawBody: 'not json', body: undefined });
		running.sandbox.clearRequests();
		expect(running.sandbox.requests).toEqual([]);
	});

	it('also records requests answered by faults', async () => {
		running.sandbox.setFaults({ errorRate: 1 });
		await vendors();
		expect(running.sandbox.requests.map((r) => r.path)).toEqual([`${API}/vendor`]);
	});

	it('is capped, dropping the oldest', async () => {
		const s = await startSandbox({ maxLoggedRequests: 3 });
		try {
			for (let i = 0; i < 5; i++) await call(s, 'POST', `${API}/vendor?i=${i}`, creds(s));
			expect(s.requests.map((r) => r.path)).toEqual([2, 3, 4].map((i) => `${API}/vendor?i=${i}`));
		} finally {
			await s.stop();
		}
	});
});

describe('admin routes', () => {
	const admin = async (method: string, path: string, body?: unknown) => {
		const res = await fetch(`${running.sandbox.url}/__admin${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
		return { status: res.status, headers: res.headers, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
	};

	it('GET/PUT /__admin/faults reads and changes the faults', async () => {
		expect((await admin('GET', '/faults')).json).toEqual({ faults: running.sandbox.getFaults(), pendingScripted: 0 });
		const put = await admin('PUT', '/faults', { errorRate: 1, latencyMs: 5 });
		expect(put.status).toBe(200);
		expect(put.json.faults).toMatchObject({ errorRate: 1, latencyMs: 5 });
		expect((await vendors()).status).toBeGreaterThanOrEqual(500);
		expect((await admin('PUT', '/faults', { errorRate: 2 })).status).toBe(400);
		expect((await admin('PUT', '/faults', { errorRate: 0 })).status).toBe(200);
		expect((await vendors()).status).toBe(200);
	});

	it('POST /__admin/faults/next queues a scripted fault (pathRegex for a RegExp)', async () => {
		const r = await admin('POST', '/faults/next', { pathRegex: 'vendor$', status: 418 });
		expect(r.status).toBe(201);
		expect(r.json.pendingScripted).toBe(1);
		expect((await vendors()).status).toBe(418);
		expect((await admin('POST', '/faults/next', { action: 'nope' })).status).toBe(400);
	});

	it('GET /__admin/state, POST /__admin/reset', async () => {
		await call(running.sandbox, 'POST', `${API}/organization`, newOrg(4));
		const state = (await admin('GET', '/state')).json;
		expect(state.organizations.map((o: { name: string }) => o.name)).toContain('Fault MSP 4');
		expect(state.vendors.length).toBeGreaterThan(0);
		running.sandbox.setFaults({ errorRate: 1 });
		expect((await admin('POST', '/reset')).status).toBe(200);
		expect(running.sandbox.state().organizations.map((o) => o.name)).not.toContain('Fault MSP 4');
		expect(running.sandbox.getFaults().errorRate).toBe(0);
		expect(running.sandbox.requests).toEqual([]);
	});

	it('GET/DELETE /__admin/requests', async () => {
		await vendors();
		const r = await admin('GET', '/requests');
		expect(r.json.requests).toHaveLength(1);
		expect(r.json.requests[0].body).toEqual(creds(running.sandbox));
		await admin('DELETE', '/requests');
		expect(running.sandbox.requests).toEqual([]);
	});

	it('404 and 405 on the admin routes too; only loopback clients are answered', async () => {
		expect((await admin('GET', '/nothing')).status).toBe(404);
		const wrong = await admin('POST', '/state');
		expect(wrong.status).toBe(405);
		expect(wrong.headers.get('allow')).toBe('GET');
		expect(isLoopback('127.0.0.1')).toBe(true);
		expect(isLoopback('127.8.9.10')).toBe(true);
		expect(isLoopback('::1')).toBe(true);
		expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
		expect(isLoopback('10.0.0.5')).toBe(false);
		expect(isLoopback('::ffff:192.168.1.2')).toBe(false);
		expect(isLoopback('fe80::1')).toBe(false);
		expect(isLoopback(undefined)).toBe(false);
	});

	it('admin routes are neither faulted nor logged', async () => {
		running.sandbox.setFaults({ errorRate: 1, throttleRate: 1 });
		running.sandbox.injectNext({ action: 'hang' });
		expect((await admin('GET', '/faults')).status).toBe(200);
		expect(running.sandbox.requests).toEqual([]);
	});
});
