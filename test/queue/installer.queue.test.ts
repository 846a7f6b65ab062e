/**
 * n8n's Community Nodes installer in queue mode: a main and one `n8n worker` on Postgres and Redis
 * (the harness of n8n-queue.queue.test.ts), neither with our package in its nodes folder. The
 * package is published to a local registry that answers n8n's default registry host (scripts/lib/
 * n8n/community-packages.ts; every process gets that proxy environment, the worker too, since it
 * runs npm itself) and installed on the main through `POST /rest/community-packages`, as the
 * editor does. n8n 2.8.4 then publishes the `community-package-install` command on its Redis
 * pub/sub channel; the worker's handler runs the same `npm pack` + `npm install` from the
 * registry and loads the nodes without a restart. Then:
 *   - a webhook workflow (Webhook → Integration: Update), its credential and its activation made
 *     through REST, runs on the worker with the installed node (main log: enqueued; worker log:
 *     started; the sandbox holds the update);
 *   - `DELETE /rest/community-packages` on the main publishes `community-package-uninstall`: the
 *     worker deletes its copy and unloads the nodes. The workflow stays active, but its webhook
 *     now fails on the main (500, unrecognized node type) and nothing reaches the worker.
 *
 * Environment: N8N_QUEUE_VERSIONS (default 2.8.4), N8N_E2E_CACHE, N8N_E2E_KEEP=1,
 * N8N_E2E_BOOT_TIMEOUT_MS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startSandbox, type RunningSandbox } from '../../sandbox';
import {
	CREDENTIAL_TYPE,
	ensureN8n,
	N8nInstance,
	NODE_TYPE,
	PACKAGE_NAME,
	PRIMARY_N8N_VERSION,
	startInstallerRegistry,
	versionsFromEnv,
	type InstallerRegistry,
} from '../../scripts/lib/n8n';
import { QueueCluster, type QueueWorker } from './cluster';
import { INSTALL_TIMEOUT_MS, REQUEST_TIMEOUT_MS, SETUP_TIMEOUT_MS, TEARDOWN_TIMEOUT_MS, TEST_TIMEOUT_MS } from './timeouts';
import * as wf from './workflow';

const VERSIONS = versionsFromEnv('N8N_QUEUE_VERSIONS', [PRIMARY_N8N_VERSION]);

const PUBSUB_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs: number, onTimeout = () => ''): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${onTimeout()}`);
		await sleep(200);
	}
}

describe.each(VERSIONS)('n8n %s in queue mode: Community Nodes installer', (version) => {
	let cluster: QueueCluster | undefined;
	let installer: InstallerRegistry | undefined;
	let sandbox: RunningSandbox | undefined;
	let published = '';
	/** the webhook workflow, once saved through REST */
	let workflowId = '';
	const timings: Record<string, number> = {};
	let suiteStarted = 0;

	const main = () => cluster!.main;
	const worker = (): QueueWorker => cluster!.workers[0];
	const packageJsonIn = (n8n: N8nInstance) =>
		path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME, 'package.json');
	const installedIn = (n8n: N8nInstance) =>
		fs.existsSync(packageJsonIn(n8n)) ? JSON.parse(fs.readFileSync(packageJsonIn(n8n), 'utf8')) : undefined;
	const tarballRequests = () =>
		installer!.proxy.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/${PACKAGE_NAME}-${published}.tgz`));

	async function rest<T = any>(method: string, urlPath: string, body?: unknown): Promise<{ status: number; data: T }> {
		const res = await main().rest!.request(method, urlPath, body);
		return { status: res.status, data: (res.body?.data ?? res.body) as T };
	}

	/** One call to the production webhook; the answer and the executions it made. */
	async function callWebhook(n: number, apiKey: string): Promise<{ status: number; body: any; executionIds: string[] }> {
		const before = new Set(workflowExecutions());
		const res = await fetch(`${main().url}/webhook/${wf.WEBHOOK_PATH}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ integration: wf.integrationId(n), apiKey }),
			signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
		});
		const text = await res.text();
		let body: any = text;
		try {
			body = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: res.status, body, executionIds: workflowExecutions().filter((id) => !before.has(id)) };
	}

	function workflowExecutions(): string[] {
		return cluster!.pg
			.rows<{ id: string }>(`SELECT id::text AS id FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`)
			.map((row) => row.id);
	}

	function execution(id: string): { status: string; finished: boolean } {
		const [row] = cluster!.pg.rows<{ status: string; finished: boolean }>(
			`SELECT status, finished FROM execution_entity WHERE id = ${Number(id)}`,
		);
		return row;
	}

	beforeAll(async () => {
		suiteStarted = Date.now();
		await ensureN8n(version); // a no-op when the cache is warm
	}, INSTALL_TIMEOUT_MS);

	beforeAll(async () => {
		let t = Date.now();
		installer = await startInstallerRegistry(await ensureN8n(version));
		published = (await installer.publish()).version;
		timings.registryAndPublish = Date.now() - t;

		t = Date.now();
		cluster = await QueueCluster.create({
			version,
			workerNames: ['worker-1'],
			concurrency: 2,
			withPackage: false,
			env: installer.n8nEnv,
		});
		sandbox = await startSandbox({ seed: wf.queueSeed(2) });
		timings.services = Date.now() - t;
		Object.assign(timings, await cluster.start());
		await main().rest!.ensureOwner();
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await cluster?.stop();
		await installer?.stop();
		await sandbox?.stop();
		timings.total = Date.now() - suiteStarted;
		// eslint-disable-next-line no-console
		console.log(`n8n ${version} queue mode, installer timings (ms): ${JSON.stringify(timings)}`);
	}, TEARDOWN_TIMEOUT_MS);

	test('before the install: neither the main nor the worker has the package', async () => {
		expect(installedIn(main())).toBeUndefined();
		expect(installedIn(worker().instance)).toBeUndefined();
		expect((await rest('GET', '/rest/community-packages')).data).toEqual([]);
	});

	test('install on the main (POST /rest/community-packages): the worker installs it from the registry too', async () => {
		const t = Date.now();
		const res = await rest('POST', '/rest/community-packages', { name: PACKAGE_NAME });
		timings.installOnMain = Date.now() - t;
		expect({ status: res.status, data: res.data }).toMatchObject({
			status: 200,
			data: { packageName: PACKAGE_NAME, installedVersion: published },
		});

		await waitFor(
			"the worker's install",
			() => worker().log().includes(`Community package installed: ${PACKAGE_NAME}`),
			PUBSUB_TIMEOUT_MS,
			() => worker().instance.logTail(),
		);
		timings.reachedWorker = Date.now() - t;
		// the worker ran n8n's installer on the main's command: its own copy, the version published,
		// peer dependencies stripped as n8n's installer does
		for (const n8n of [main(), worker().instance]) {
			const pkg = installedIn(n8n);
			expect({ folder: n8n.userFolder, version: pkg?.version, peers: pkg?.peerDependencies }).toEqual({
				folder: n8n.userFolder,
				version: published,
				peers: undefined,
			});
		}
		// each fetched the tarball from the registry (each process has its own npm cache)
		expect(tarballRequests().map((r) => r.status)).toEqual([200, 200]);
	}, TEST_TIMEOUT_MS);

	test('a webhook workflow made through REST runs on the worker with the installed node', async () => {
		const credentialData = { baseUrl: sandbox!.url, ...sandbox!.credentials };
		const credential = await rest('POST', '/rest/credentials', { name: 'MSPC OEM (queue installer)', type: CREDENTIAL_TYPE, data: credentialData });
		expect(credential.status).toBe(200);
		const workflow = wf.webhookWorkflow();
		const saved = await rest('POST', '/rest/workflows', {
			...workflow,
			nodes: workflow.nodes.map((node) =>
				node.type === NODE_TYPE
					? { ...node, credentials: { [CREDENTIAL_TYPE]: { id: String(credential.data.id), name: credential.data.name } } }
					: node,
			),
		});
		expect(saved.status).toBe(200);
		workflowId = String(saved.data.id);
		const activated = await rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId: saved.data.versionId });
		expect({ status: activated.status, active: activated.data?.active }).toEqual({ status: 200, active: true });

		const t = Date.now();
		const answer = await callWebhook(1, 'installed-by-n8n');
		timings.webhookRun = Date.now() - t;
		expect({ status: answer.status, body: answer.body, executions: answer.executionIds.length }).toEqual({
			status: 200,
			body: { id: wf.integrationId(1), vendorId: '900001' },
			executions: 1,
		});
		const stored = sandbox!.state().integrations.find((i) => i.id === wf.integrationId(1));
		expect(stored?.credentials['api key']).toBe('installed-by-n8n');
		const [id] = answer.executionIds;
		expect(execution(id)).toEqual({ status: 'success', finished: true });
		expect(cluster!.ranOn(id)).toEqual({ enqueuedByMain: true, startedBy: [worker().name] });
		expect(cluster!.mainStartedNone()).toBe(true);
	}, TEST_TIMEOUT_MS);

	test('uninstall on the main (DELETE /rest/community-packages): the worker removes it too', async () => {
		const t = Date.now();
		const res = await rest('DELETE', `/rest/community-packages?name=${encodeURIComponent(PACKAGE_NAME)}`);
		expect(res.status).toBe(200);
		await waitFor(
			"the worker's uninstall",
			() => worker().log().includes(`Community package uninstalled: ${PACKAGE_NAME}`),
			PUBSUB_TIMEOUT_MS,
			() => worker().instance.logTail(),
		);
		timings.uninstallReachedWorker = Date.now() - t;
		expect(installedIn(main())).toBeUndefined();
		expect(installedIn(worker().instance)).toBeUndefined();
		expect((await rest('GET', '/rest/community-packages')).data).toEqual([]);

		// the workflow stays active (n8n does not deactivate it), but the main no longer knows the
		// node: its webhook answers 500 and enqueues nothing
		const started = worker().startedExecutions().length;
		const answer = await callWebhook(2, 'after-uninstall');
		expect({ status: answer.status, message: answer.body?.message, executions: answer.executionIds }).toEqual({
			status: 500,
			message: `Unrecognized node type: ${NODE_TYPE}`,
			executions: [],
		});
		expect(worker().startedExecutions().length).toBe(started);
		const stored = sandbox!.state().integrations.find((i) => i.id === wf.integrationId(2));
		expect(stored?.credentials['api key']).toBe('initial');
	}, TEST_TIMEOUT_MS);
});
