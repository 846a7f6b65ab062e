/**
 * Our package in n8n's queue mode: Postgres and Redis (Debian's packages, on loopback, in temp
 * folders), the sandbox, one n8n main and two `n8n worker`s, each with the packed package in its
 * own user folder's `.n8n/nodes` as users install it. The credential and a webhook workflow
 * (Webhook → Integration: Update → respond with the node's output) are imported and published
 * with n8n's CLI; then:
 *   1. a burst of requests: every execution is enqueued by the main, runs on a worker (each
 *      worker takes part), succeeds and answers with the right integration; the sandbox holds
 *      every update;
 *   2. SIGTERM to a worker while it runs executions: it finishes them, takes no new ones, exits;
 *      nothing is lost;
 *   3. SIGKILL to a worker while it runs executions: the other worker finishes everything else;
 *      the killed executions end as failed (not stuck as running) once their Bull job lock
 *      expires, and their webhook callers get an error.
 * The sandbox's latency keeps executions in flight while the signals are sent. Bull's lock is
 * shortened (QUEUE_WORKER_LOCK_DURATION / _STALLED_INTERVAL) so the crash is noticed in seconds.
 *
 * Environment: N8N_QUEUE_VERSIONS (comma-separated n8n versions; default 2.8.4), N8N_E2E_CACHE,
 * N8N_E2E_KEEP=1 (keep the n8n user folders and their logs), N8N_E2E_BOOT_TIMEOUT_MS.
 */
import * as path from 'node:path';

import { startSandbox, type RunningSandbox } from '../../sandbox';
import { ensureN8n, PRIMARY_N8N_VERSION, versionsFromEnv } from '../../scripts/lib/n8n';
import { QueueCluster, type QueueTimings, type QueueWorker } from './cluster';
import { INSTALL_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SETUP_TIMEOUT_MS, TEARDOWN_TIMEOUT_MS, TEST_TIMEOUT_MS } from './timeouts';
import * as wf from './workflow';

const VERSIONS = versionsFromEnv('N8N_QUEUE_VERSIONS', [PRIMARY_N8N_VERSION]);

const WORKER_CONCURRENCY = 5;
const INTEGRATIONS = 16;
const TIMINGS: QueueTimings = { lockDurationMs: 10_000, lockRenewMs: 2_500, stalledIntervalMs: 3_000 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `promise`, or `fallback` after `ms` (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	try {
		return await Promise.race([promise, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]);
	} finally {
		clearTimeout(timer);
	}
}

interface Call {
	n: number;
	apiKey: string;
}

interface Answer extends Call {
	status: number;
	body: any;
}

interface StoredExecution {
	id: string;
	status: string;
	mode: string;
	finished: boolean;
	stoppedAt: string | null;
	/** the webhook request body, as stored with the execution */
	request?: { integration?: string; apiKey?: string };
	/** the first output item of our node, when it ran */
	output?: any;
	error?: string;
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 90_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(100);
	}
}

describe.each(VERSIONS)('n8n %s in queue mode', (version) => {
	let cluster: QueueCluster | undefined;
	let sandbox: RunningSandbox | undefined;
	let flatted: { parse(text: string): any };
	const timings: Record<string, number> = {};
	let suiteStarted = 0;

	beforeAll(async () => {
		suiteStarted = Date.now();
		await ensureN8n(version); // a no-op when the cache is warm
		timings.ensureInstall = Date.now() - suiteStarted;
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		let t = Date.now();
		cluster = await QueueCluster.create({
			version,
			workerNames: ['worker-1', 'worker-2'],
			concurrency: WORKER_CONCURRENCY,
			timings: TIMINGS,
		});
		sandbox = await startSandbox({ seed: wf.queueSeed(INTEGRATIONS) });
		flatted = require(path.join(cluster.main.install.nodeModules, 'flatted'));
		timings.servicesPackAndUnpack = Date.now() - t;

		t = Date.now();
		await cluster.main.importCredentials([wf.credential(sandbox)]);
		await cluster.main.importWorkflows([wf.webhookWorkflow()]);
		await cluster.main.activateWorkflows([wf.WORKFLOW_ID]);
		timings.cliImports = Date.now() - t;

		Object.assign(timings, await cluster.start());
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await cluster?.stop();
		await sandbox?.stop();
		timings.total = Date.now() - suiteStarted;
		// eslint-disable-next-line no-console
		console.log(`n8n ${version} queue mode timings (ms): ${JSON.stringify(timings)}`);
	}, TEARDOWN_TIMEOUT_MS);

	// ------------------------------------------------------------------------------------------
	// helpers

	const workers = () => cluster!.workers;
	const worker = (i: number) => workers()[i];

	/** Fires every call at once at the production webhook; resolves with each answer. */
	function fire(calls: Call[]): Promise<Answer[]> {
		return Promise.all(
			calls.map(async (call) => {
				const res = await fetch(`${cluster!.main.url}/webhook/${wf.WEBHOOK_PATH}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ integration: wf.integrationId(call.n), apiKey: call.apiKey }),
					signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
				});
				const text = await res.text();
				let body: any = text;
				try {
					body = JSON.parse(text);
				} catch {
					/* not JSON */
				}
				return { ...call, status: res.status, body };
			}),
		);
	}

	const calls = (label: string, from: number, to: number): Call[] =>
		Array.from({ length: to - from + 1 }, (_, i) => ({ n: from + i, apiKey: `${label}-${from + i}` }));

	/** The workflow's executions as stored in Postgres (the request and our node's output decoded). */
	function executions(): StoredExecution[] {
		const rows = cluster!.pg.rows<{ id: string; status: string; mode: string; finished: boolean; stoppedAt: string | null; data: string }>(
			`SELECT e.id::text AS id, e.status, e.mode, e.finished, e."stoppedAt", d.data
			 FROM execution_entity e JOIN execution_data d ON d."executionId" = e.id
			 WHERE e."workflowId" = '${wf.WORKFLOW_ID}' ORDER BY e.id`,
		);
		return rows.map((row) => {
			const data = flatted.parse(row.data);
			const runData = data?.resultData?.runData ?? {};
			const webhookItem =
				runData.Webhook?.[0]?.data?.main?.[0]?.[0] ?? data?.executionData?.nodeExecutionStack?.[0]?.data?.main?.[0]?.[0];
			return {
				id: row.id,
				status: row.status,
				mode: row.mode,
				finished: row.finished,
				stoppedAt: row.stoppedAt,
				request: webhookItem?.json?.body,
				output: runData['Update integration']?.[0]?.data?.main?.[0]?.[0]?.json,
				error: data?.resultData?.error?.message,
			};
		});
	}

	/** Executions stored since `before` (a previous executions() result). */
	const newSince = (before: StoredExecution[]) => {
		const seen = new Set(before.map((e) => e.id));
		return executions().filter((e) => !seen.has(e.id));
	};

	const byIntegration = (list: StoredExecution[]) => new Map(list.map((e) => [e.request?.integration, e]));

	/** Ids of executions this worker started (every process it ran so far). */
	const startedBy = (w: QueueWorker) => new Set(w.startedExecutions());

	const vendorOf = (n: number) => `9${String(n).padStart(5, '0')}`;

	function storedKey(n: number): string | undefined {
		const integration = sandbox!.state().integrations.find((i) => i.id === wf.integrationId(n));
		return integration?.credentials['api key'];
	}

	/** Each answer is our node's output for its own integration, and the sandbox holds its key. */
	function expectSucceeded(answers: Answer[]): void {
		for (const a of answers) {
			expect({ n: a.n, status: a.status, body: a.body }).toEqual({
				n: a.n,
				status: 200,
				body: { id: wf.integrationId(a.n), vendorId: vendorOf(a.n) },
			});
			expect({ n: a.n, key: storedKey(a.n) }).toEqual({ n: a.n, key: a.apiKey });
		}
	}

	/** Each call has one stored execution: a successful webhook run with our node's right output. */
	function expectStoredSuccess(stored: StoredExecution[], answers: Answer[]): Map<string | undefined, StoredExecution> {
		const byCall = byIntegration(stored);
		for (const a of answers) {
			const e = byCall.get(wf.integrationId(a.n));
			expect(e).toBeDefined();
			expect({ n: a.n, status: e!.status, mode: e!.mode, finished: e!.finished, output: e!.output }).toEqual({
				n: a.n,
				status: 'success',
				mode: 'webhook',
				finished: true,
				output: { id: wf.integrationId(a.n), vendorId: vendorOf(a.n) },
			});
			expect(e!.request?.apiKey).toBe(a.apiKey);
		}
		return byCall;
	}

	/** Every execution was enqueued by the main and started by exactly one worker, never the main. */
	function expectRanOnWorkers(stored: StoredExecution[]): void {
		for (const e of stored) {
			const { enqueuedByMain, startedBy: on } = cluster!.ranOn(e.id);
			expect({ id: e.id, enqueuedByMain, workers: on.length }).toEqual({ id: e.id, enqueuedByMain: true, workers: 1 });
		}
		expect(cluster!.mainStartedNone()).toBe(true);
	}

	// ------------------------------------------------------------------------------------------

	test('a burst of 12 webhook calls: each runs on a worker, succeeds and answers the node output', async () => {
		sandbox!.setFaults({ latencyMs: 500 });
		const before = executions();
		const t = Date.now();
		const answers = await fire(calls('burst', 1, 12));
		timings.burst = Date.now() - t;
		expectSucceeded(answers);

		const stored = newSince(before);
		expect(stored).toHaveLength(12);
		expectStoredSuccess(stored, answers);
		expectRanOnWorkers(stored);
		// 12 executions at once, 5 slots per worker: both must have taken some
		for (const w of workers()) {
			expect({ worker: w.name, ran: stored.filter((e) => startedBy(w).has(e.id)).length > 0 }).toEqual({
				worker: w.name,
				ran: true,
			});
		}
	}, TEST_TIMEOUT_MS);

	test('SIGTERM mid-run: the worker finishes its executions, takes no new ones, exits; nothing is lost', async () => {
		sandbox!.setFaults({ latencyMs: 4000 });
		const [w1, w2] = [worker(0), worker(1)];
		const before = executions();
		const startedBefore = workers().map((w) => startedBy(w).size);
		const batchA = fire(calls('term-a', 1, 8));
		// all eight in flight, some of them on worker 1
		await waitFor('8 executions started', () => {
			const now = workers().map((w, i) => startedBy(w).size - startedBefore[i]);
			return now[0] + now[1] === 8 && now[0] > 0;
		});
		const w1Running = new Set([...startedBy(w1)].slice(startedBefore[0]));
		w1.terminate();
		// once it has paused its queue (it says so while waiting for its executions), more calls
		await waitFor('worker 1 draining', () => /Waiting for \d+ active executions to finish/.test(w1.log()), 30_000);
		const batchB = fire(calls('term-b', 9, 12));
		const answers = [...(await batchA), ...(await batchB)];
		const exit = await within(w1.exited!, 60_000, 'still running after 60 s');
		expect(exit).toBe('exit 0');
		expectSucceeded(answers);

		const stored = newSince(before);
		expect(stored).toHaveLength(12);
		const byCall = expectStoredSuccess(stored, answers);
		expectRanOnWorkers(stored);
		// worker 1 started nothing after the signal; every call of batch B ran on worker 2
		expect(new Set([...startedBy(w1)].slice(startedBefore[0]))).toEqual(w1Running);
		for (let n = 9; n <= 12; n++) expect(startedBy(w2).has(byCall.get(wf.integrationId(n))!.id)).toBe(true);

		// back to two workers: the same user folder, a new process
		const { bootMs } = await w1.start();
		timings.workerRestart = bootMs;
	}, TEST_TIMEOUT_MS);

	test('SIGKILL mid-run: the other worker finishes the rest; the killed executions end as failed', async () => {
		sandbox!.setFaults({ latencyMs: 6000 });
		const [w1, w2] = [worker(0), worker(1)];
		const before = executions();
		const startedBefore = workers().map((w) => startedBy(w).size);
		const batchC = fire(calls('kill-c', 1, 10));
		// ten executions, five slots per worker: both full, every execution marked running
		await waitFor('10 executions running', () => {
			const now = workers().map((w, i) => startedBy(w).size - startedBefore[i]);
			if (now[0] + now[1] !== 10 || now[0] === 0 || now[1] === 0) return false;
			const fresh = newSince(before);
			return fresh.length === 10 && fresh.every((e) => e.status === 'running');
		});
		// the executions worker 1 is running now, and which calls they are (a failed execution's
		// stored data no longer holds its request)
		const onW1 = new Set([...startedBy(w1)].slice(startedBefore[0]));
		const inFlight = executions().filter((e) => onW1.has(e.id) && e.status === 'running');
		const killed = new Set(inFlight.map((e) => e.id));
		const killedCalls = new Set(inFlight.map((e) => e.request?.integration));
		expect(killed.size).toBeGreaterThan(0);
		expect(killedCalls.size).toBe(killed.size);
		const killedAt = Date.now();
		await w1.kill();
		expect(w1.running).toBe(false);
		const batchD = fire(calls('kill-d', 11, 13));

		// the killed executions leave "running" once their job lock expires
		const failed = await waitFor(
			'the killed executions to stop',
			() => {
				const list = executions().filter((e) => killed.has(e.id));
				return list.length === killed.size && list.every((e) => e.stoppedAt && e.status !== 'running' && e.status !== 'new')
					? list
					: undefined;
			},
			180_000,
		);
		timings.killToFailed = Date.now() - killedAt;
		for (const e of failed) {
			expect({ id: e.id, status: e.status, finished: e.finished }).toEqual({ id: e.id, status: 'error', finished: false });
		}

		const answers = [...(await batchC), ...(await batchD)];
		const lost = answers.filter((a) => killedCalls.has(wf.integrationId(a.n)));
		const done = answers.filter((a) => !killedCalls.has(wf.integrationId(a.n)));
		expect(lost.length).toBe(killed.size);
		for (const a of lost) expect({ n: a.n, ok: a.status >= 200 && a.status < 300 }).toEqual({ n: a.n, ok: false });
		expectSucceeded(done);

		const stored = newSince(before);
		expect(stored).toHaveLength(13);
		const survivors = stored.filter((e) => !killed.has(e.id));
		expectStoredSuccess(survivors, done);
		expectRanOnWorkers(stored);
		// everything worker 1 had not finished when it died (batch D included) ran on worker 2
		for (const e of survivors.filter((x) => !onW1.has(x.id))) expect(startedBy(w2).has(e.id)).toBe(true);
		// nothing left behind in a running or queued state
		expect(executions().filter((e) => !['success', 'error', 'crashed'].includes(e.status))).toEqual([]);
		timings.killedExecutions = killed.size;
		// eslint-disable-next-line no-console
		console.log(
			`SIGKILL: ${killed.size} executions lost with the worker, failed after ${timings.killToFailed} ms; ` +
				`their callers got ${[...new Set(lost.map((a) => `${a.status} ${JSON.stringify(a.body).slice(0, 120)}`))].join(' | ')}; ` +
				`errors stored: ${[...new Set(failed.map((e) => e.error))].join(' | ')}`,
		);
	}, TEST_TIMEOUT_MS);
});
