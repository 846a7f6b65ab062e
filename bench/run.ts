/**
 * Throughput and memory benchmarks inside a real n8n (the e2e suite's pinned version, from the
 * install cache), against the sandbox with injected latency. Not part of `npm test`.
 *
 *   npm run bench                 # writes bench/RESULTS.md
 *   BENCH_RUNS=1 BENCH_QUICK=1 npm run bench   # smoke run: small sizes, one run each
 *
 * Every workflow runs through `n8n execute` (one CLI process per run). Times come from the run
 * data n8n prints (the execution's startedAt/stoppedAt and each node's executionTime), so the
 * CLI's boot is not counted. Memory is the RSS of that n8n process (/proc), sampled between the
 * log lines that mark the execution's start and finish (not the boot, not printing the run).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { loadSeedFile, startSandbox, type RunningSandbox } from '../sandbox';
import { CREDENTIAL_TYPE, N8nInstance, NODE_TYPE, freePort, parseExecuteOutput } from '../scripts/lib/n8n';
import { BULK_TOKEN, bulkSeed, manyVendors, maxInFlight } from '../scripts/lib/fixtures';

const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const P1_ITEMS = QUICK ? 50 : 200;
const P2_ITEMS = QUICK ? 100 : 1000;
const P2_LATENCY_MS = 20;
const P3_SIZES = process.env.BENCH_SIZES ? process.env.BENCH_SIZES.split(',').map(Number) : QUICK ? [1000] : [1000, 10_000, 100_000];
const P3_MAIN_SIZE = P3_SIZES.includes(10_000) ? 10_000 : P3_SIZES[0];

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

// ---------------------------------------------------------------------------------------------
// workflows

const trigger = { id: 'b0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} };

function chain(id: string, nodes: Array<Record<string, unknown>>) {
	const all: Array<Record<string, unknown>> = [trigger, ...nodes.map((node, i) => ({ id: `b0000000-0000-4000-8000-00000000010${i}`, position: [220 * (i + 1), 0], ...node }))];
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++) connections[all[i].name as string] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	return { id, name: `bench ${id}`, active: false, settings: { executionOrder: 'v1' }, nodes: all, connections };
}

const credential = (id: string) => ({ [CREDENTIAL_TYPE]: { id, name: id } });

/** A Code node emitting the Integration: Update items (same shape as the throughput tests' `updateItem`). */
const updateItems = (count: number) => ({
	name: 'Items',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	parameters: {
		jsCode: `return Array.from({ length: ${count} }, (_, i) => ({ json: { id: 'bulk-int-' + String(i).padStart(5, '0'), key: 'rotated-key-' + i, user: 'rotated-user-' + i } }));`,
	},
});

const ourUpdate = (credentialId: string, options: Record<string, unknown>) => ({
	name: 'Ours',
	type: NODE_TYPE,
	typeVersion: 1,
	credentials: credential(credentialId),
	parameters: {
		resource: 'integration',
		operation: 'update',
		organizationOemToken: BULK_TOKEN,
		integrationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		credentialsMode: 'keyValue',
		credentialValues: { values: [{ key: 'api key', value: '={{ $json.key }}' }, { key: 'api username', value: '={{ $json.user }}' }] },
		options,
	},
});

/**
 * The HTTP Request node sends the client credentials in its JSON body itself (authentication
 * "None"): the same bodies as our node sends. See RESULTS.md for why not through our credential.
 */
const authFields = (sandbox: RunningSandbox) =>
	JSON.stringify({ ...sandbox.credentials, grantType: 'client_credentials' }).slice(1, -1);

const httpUpdate = (sandbox: RunningSandbox, options: Record<string, unknown>) => ({
	name: 'HTTP',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'PATCH',
		url: `={{ '${sandbox.url}/api/oem-api/integration/' + $json.id }}`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `={{ JSON.stringify({ ${authFields(sandbox)}, organizationOemToken: '${BULK_TOKEN}', data: { integrationCredentials: { 'api key': $json.key, 'api username': $json.user } } }) }}`,
		options,
	},
});

const ourVendors = (credentialId: string) => ({
	name: 'Ours',
	type: NODE_TYPE,
	typeVersion: 1,
	credentials: credential(credentialId),
	parameters: { resource: 'vendor', operation: 'list', returnAll: true },
});

const httpVendors = (sandbox: RunningSandbox) => ({
	name: 'HTTP',
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url: `${sandbox.url}/api/oem-api/vendor`,
		sendBody: true,
		specifyBody: 'json',
		jsonBody: `{${authFields(sandbox)}}`,
		options: {},
	},
});

const splitOut = { name: 'Split Out', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'vendors', options: {} } };

// ---------------------------------------------------------------------------------------------
// running one workflow through the CLI, with its peak memory

interface Measured {
	/** execution stoppedAt − startedAt */
	executionMs: number;
	/** sum of the executionTime of the named nodes */
	nodesMs: number;
	/** items the last named node emitted */
	items: number;
	/** RSS of the n8n process when the execution started (MiB) */
	startRssMiB: number;
	/** highest RSS sampled (every 5 ms) from the execution's start to its end (MiB) */
	peakRssMiB: number;
}

function procStatusKb(pid: number, field: string): number | undefined {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined;
	}
}

/** The run `n8n execute --rawOutput` prints: a pretty-printed object from a "{" line to a "}" line. */
function parseRun(stdout: string): any {
	const start = stdout.search(/^\{$/m);
	const end = start < 0 ? -1 : stdout.slice(start).search(/^\}$/m);
	if (start < 0 || end < 0) return parseExecuteOutput(stdout);
	try {
		return JSON.parse(stdout.slice(start, start + end + 1));
	} catch {
		return parseExecuteOutput(stdout);
	}
}

async function execute(n8n: N8nInstance, workflowId: string, nodeNames: string[]): Promise<Measured> {
	const env = n8n.env(await freePort(), await freePort());
	// Output goes to a file, not a pipe: n8n exits right after printing, and a pipe would lose the
	// end of a large run (100,000 items); writes to a file are synchronous.
	const outFile = path.join(n8n.userFolder, `bench-${workflowId}.out`);
	const out = fs.openSync(outFile, 'w');
	const child = spawn(n8n.install.nodeBinary, [n8n.install.n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'], {
		cwd: n8n.userFolder,
		env,
		stdio: ['ignore', out, 'pipe'],
		detached: true,
	});
	fs.closeSync(out);
	const pid = child.pid!;
	return await new Promise((resolve, reject) => {
		// Resident memory of the n8n process, sampled from the execution's start to its end, which
		// the debug log lines in the output file mark.
		let phase: 'boot' | 'running' | 'done' = 'boot';
		let startKb: number | undefined;
		let peakKb = 0;
		let offset = 0;
		let tail = '';
		const reader = fs.openSync(outFile, 'r');
		const sample = () => {
			const kb = procStatusKb(pid, 'VmRSS');
			if (kb !== undefined) peakKb = Math.max(peakKb, kb);
			return kb;
		};
		const tick = () => {
			if (phase === 'running') sample();
			if (phase === 'done') return;
			const buffer = Buffer.alloc(1 << 20);
			for (;;) {
				const read = fs.readSync(reader, buffer, 0, buffer.length, offset);
				if (read <= 0) break;
				offset += read;
				const text = tail + buffer.subarray(0, read).toString('utf8');
				if (phase === 'boot' && text.includes('Workflow execution started')) {
					phase = 'running';
					startKb = sample();
				}
				if (phase === 'running' && text.includes('Workflow execution finished')) {
					sample();
					phase = 'done';
					return;
				}
				tail = text.slice(-100);
			}
		};
		const sampler = setInterval(tick, 5);
		let stderr = '';
		child.stderr!.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 10 * 60_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			clearInterval(sampler);
			fs.closeSync(reader);
			try {
				process.kill(-pid, 'SIGKILL'); // leftover task runner
			} catch {
				/* gone */
			}
			const stdout = fs.readFileSync(outFile, 'utf8');
			fs.rmSync(outFile, { force: true });
			const run = parseRun(stdout);
			if (!run || code !== 0 || run.data?.resultData?.error) {
				reject(new Error(`${workflowId}: exit ${code}, ${run?.data?.resultData?.error?.message ?? 'no run'}\n${stderr.slice(-2000)}`));
				return;
			}
			if (phase !== 'done' || startKb === undefined) {
				reject(new Error(`${workflowId}: the execution's start and finish log lines were not seen, so no memory was read`));
				return;
			}
			const runData = run.data.resultData.runData;
			const last = runData[nodeNames[nodeNames.length - 1]][0];
			resolve({
				executionMs: Date.parse(run.stoppedAt) - Date.parse(run.startedAt),
				nodesMs: nodeNames.reduce((sum, name) => sum + runData[name][0].executionTime, 0),
				items: last.data.main[0].length,
				startRssMiB: startKb / 1024,
				peakRssMiB: peakKb / 1024,
			});
		});
	});
}

async function repeat(
	n8n: N8nInstance,
	workflowId: string,
	nodeNames: string[],
	after?: () => number | undefined,
) {
	const runs: Array<Measured & { inFlight?: number }> = [];
	for (let i = 0; i < RUNS; i++) {
		runs.push(await execute(n8n, workflowId, nodeNames));
		runs[i].inFlight = after?.();
		log(`${workflowId} #${i + 1}: node ${runs[i].nodesMs} ms, execution ${runs[i].executionMs} ms, ${runs[i].items} items, RSS ${runs[i].startRssMiB.toFixed(0)} → peak ${runs[i].peakRssMiB.toFixed(0)} MiB${runs[i].inFlight ? `, at most ${runs[i].inFlight} in flight` : ''}`);
	}
	return {
		nodesMs: median(runs.map((r) => r.nodesMs)),
		executionMs: median(runs.map((r) => r.executionMs)),
		items: runs[0].items,
		peakRssMiB: median(runs.map((r) => r.peakRssMiB)),
		growthMiB: median(runs.map((r) => r.peakRssMiB - r.startRssMiB)),
		inFlight: runs[0].inFlight === undefined ? undefined : Math.max(...runs.map((r) => r.inFlight ?? 0)),
	};
}

// ---------------------------------------------------------------------------------------------
// plain fetch, the floor of per-request cost

async function fetchUpdates(sandbox: RunningSandbox, count: number): Promise<number> {
	const started = performance.now();
	for (let i = 0; i < count; i++) {
		const res = await fetch(`${sandbox.url}/api/oem-api/integration/bulk-int-${String(i).padStart(5, '0')}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({
				clientId: sandbox.credentials.clientId,
				clientSecret: sandbox.credentials.clientSecret,
				grantType: 'client_credentials',
				scope: sandbox.credentials.scope,
				organizationOemToken: BULK_TOKEN,
				data: { integrationCredentials: { 'api key': `rotated-key-${i}`, 'api username': `rotated-user-${i}` } },
			}),
		});
		if (res.status !== 200) throw new Error(`fetch: ${res.status} ${await res.text()}`);
		await res.json();
	}
	return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------

async function main() {
	const benchStarted = Date.now();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mspc-oem-bench-'));
	const sandboxes: RunningSandbox[] = [];
	let n8n: N8nInstance | undefined;
	try {
		const updates = await startSandbox({ seed: bulkSeed(P2_ITEMS), maxLoggedRequests: 2 * P2_ITEMS });
		sandboxes.push(updates);
		const vendorSandboxes = new Map<number, RunningSandbox>();
		for (const size of P3_SIZES) {
			// The vendor seed as a file, the way a user would start the sandbox with one.
			const file = path.join(work, `vendors-${size}.json`);
			fs.writeFileSync(file, JSON.stringify({ vendors: manyVendors(size) }));
			const sandbox = await startSandbox({ seed: loadSeedFile(file), faults: { latencyMs: P2_LATENCY_MS }, maxLoggedRequests: 10 });
			sandboxes.push(sandbox);
			vendorSandboxes.set(size, sandbox);
		}

		log('packing the package and preparing n8n');
		n8n = await N8nInstance.create({ logLevel: 'debug' });
		const creds = [
			{ id: 'benchUpdates', sandbox: updates },
			...[...vendorSandboxes].map(([size, sandbox]) => ({ id: `benchVendors${size}`, sandbox })),
		];
		await n8n.importCredentials(
			creds.map(({ id, sandbox }) => ({ id, name: id, type: CREDENTIAL_TYPE, data: { baseUrl: sandbox.url, ...sandbox.credentials } })),
		);
		const workflows = [
			chain('p1Ours', [updateItems(P1_ITEMS), ourUpdate('benchUpdates', { concurrency: 1 })]),
			chain('p2Ours5', [updateItems(P2_ITEMS), ourUpdate('benchUpdates', {})]),
			chain('p2Ours10', [updateItems(P2_ITEMS), ourUpdate('benchUpdates', { concurrency: 10 })]),
			chain('p2Http', [updateItems(P2_ITEMS), httpUpdate(updates, {})]),
			chain('p2HttpB10i0', [updateItems(P2_ITEMS), httpUpdate(updates, { batching: { batch: { batchSize: 10, batchInterval: 0 } } })]),
			chain('p2HttpB10i20', [updateItems(P2_ITEMS), httpUpdate(updates, { batching: { batch: { batchSize: 10, batchInterval: P2_LATENCY_MS } } })]),
			chain('p3Base', [{ name: 'NoOp', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} }]),
			...P3_SIZES.flatMap((size) => [
				chain(`p3Ours${size}`, [ourVendors(`benchVendors${size}`)]),
				chain(`p3Http${size}`, [httpVendors(vendorSandboxes.get(size)!), splitOut]),
			]),
		];
		await n8n.importWorkflows(workflows);

		/** After each run: exactly one request per item, and how many the sandbox held at once. */
		const checkRequests = (expected: number, latencyMs: number) => () => {
			const requests = updates.requests;
			if (requests.length !== expected) throw new Error(`expected ${expected} requests, the sandbox saw ${requests.length}`);
			updates.clearRequests();
			return latencyMs > 0 ? maxInFlight(requests, latencyMs) : undefined;
		};

		// P1: per-request overhead, no latency, one request at a time.
		log('P1');
		updates.setFaults({ latencyMs: 0 });
		await fetchUpdates(updates, 20); // warm up
		const fetchRuns: number[] = [];
		for (let i = 0; i < RUNS; i++) fetchRuns.push(await fetchUpdates(updates, P1_ITEMS));
		const fetchMs = median(fetchRuns);
		updates.clearRequests();
		const p1 = await repeat(n8n, 'p1Ours', ['Ours'], checkRequests(P1_ITEMS, 0));

		// P2: 1,000 updates at 20 ms.
		log('P2');
		updates.setFaults({ latencyMs: P2_LATENCY_MS });
		const p2: Record<string, Awaited<ReturnType<typeof repeat>>> = {};
		for (const id of ['p2Ours5', 'p2Ours10', 'p2Http', 'p2HttpB10i0', 'p2HttpB10i20']) {
			p2[id] = await repeat(n8n, id, [id.startsWith('p2Ours') ? 'Ours' : 'HTTP'], checkRequests(P2_ITEMS, P2_LATENCY_MS));
		}

		// P3: vendor lists.
		log('P3');
		const base = await repeat(n8n, 'p3Base', ['NoOp']);
		const p3 = new Map<number, { ours: Awaited<ReturnType<typeof repeat>>; http: Awaited<ReturnType<typeof repeat>> }>();
		for (const size of P3_SIZES) {
			const ours = await repeat(n8n, `p3Ours${size}`, ['Ours']);
			const http = await repeat(n8n, `p3Http${size}`, ['HTTP', 'Split Out']);
			if (ours.items !== size || http.items !== size) throw new Error(`P3 ${size}: ${ours.items} / ${http.items} items`);
			p3.set(size, { ours, http });
		}

		const results = report({ fetchMs, p1, p2, base, p3, n8n, minutes: (Date.now() - benchStarted) / 60_000 });
		const out = path.join(__dirname, QUICK ? 'RESULTS.quick.md' : 'RESULTS.md');
		// The reading is written by hand after a run; a new run keeps it (to be checked against the new figures).
		const previous = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
		const reading = previous.includes('\n## Reading') ? previous.slice(previous.indexOf('\n## Reading') + 1) : '## Reading\n\n(to be written)\n';
		fs.writeFileSync(out, `${results}\n${reading}`);
		log(`wrote ${path.relative(process.cwd(), out)}`);
		process.stdout.write(results);
	} finally {
		await n8n?.dispose();
		for (const sandbox of sandboxes) await sandbox.stop();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

type Row = { nodesMs: number; executionMs: number; items: number; peakRssMiB: number; growthMiB: number; inFlight?: number };

function report(r: {
	fetchMs: number;
	p1: Row;
	p2: Record<string, Row>;
	base: Row;
	p3: Map<number, { ours: Row; http: Row }>;
	n8n: N8nInstance;
	minutes: number;
}): string {
	const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
	const x = (v: number) => `${v.toFixed(2)}×`;
	const mib = (v: number) => `${Math.round(v)} MiB`;
	const fetchPer = r.fetchMs / P1_ITEMS;
	const oursPer = r.p1.nodesMs / P1_ITEMS;
	const cpu = os.cpus();
	const n8nNode = spawnVersion(r.n8n.install.nodeBinary);
	const floor = (concurrency: number) => (P2_ITEMS * P2_LATENCY_MS) / concurrency;
	const p2Rows: Array<[string, string, number | undefined]> = [
		['p2Ours5', 'This node, Items at Once 5 (default)', 5],
		['p2Ours10', 'This node, Items at Once 10', 10],
		['p2Http', 'HTTP Request node, default settings', undefined],
		['p2HttpB10i0', 'HTTP Request node, batching: 10 items per batch, interval 0', undefined],
		['p2HttpB10i20', `HTTP Request node, batching: 10 items per batch, interval ${P2_LATENCY_MS} ms`, undefined],
	];
	const ours10 = r.p2.p2Ours10.nodesMs;
	const lines = [
		'# Benchmarks',
		'',
		`Run by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs per figure (median), ${r.minutes.toFixed(1)} min in all.`,
		'',
		`- Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${os.type()}`,
		`- n8n ${r.n8n.version} on Node ${n8nNode} (\`n8n execute\`, SQLite, regular mode); bench and fetch on Node ${process.versions.node}`,
		`- Package version ${require('../package.json').version}; the sandbox runs in the bench process on loopback`,
		'',
		'Times are measured inside n8n: the node\'s `executionTime` from the run data (the execution\'s',
		'startedAt → stoppedAt is shown too), never the CLI\'s boot. Memory is the resident set of the',
		'`n8n execute` process, sampled every 5 ms between the log lines that mark the execution\'s start',
		'and finish (so neither the boot nor the printing of the run counts). A Code node makes the P1/P2',
		'input items; it is not counted in the node time.',
		'',
		`## P1: per-request overhead (${P1_ITEMS} Integration: Update requests, no latency, one at a time)`,
		'',
		'| | total | per request |',
		'|---|---|---|',
		`| Node's fetch, in the bench process | ${ms(r.fetchMs)} | ${fetchPer.toFixed(2)} ms |`,
		`| This node in n8n, Items at Once 1 | ${ms(r.p1.nodesMs)} | ${oursPer.toFixed(2)} ms |`,
		'',
		`**Ratio node / fetch: ${x(oursPer / fetchPer)}**, i.e. about ${(oursPer - fetchPer).toFixed(2)} ms of overhead per request`,
		'(parameter and expression resolution, credential authentication, n8n\'s request helper, response',
		'validation, pairing). Measured inside real n8n, not in-process.',
		'',
		`## P2: ${P2_ITEMS.toLocaleString('en-US')} Integration: Update items at ${P2_LATENCY_MS} ms latency`,
		'',
		`Floor = ${P2_ITEMS.toLocaleString('en-US')} × ${P2_LATENCY_MS} ms ÷ requests at once (for the HTTP Request node: the most it had in flight).`,
		'',
		'The HTTP Request node sends the client credentials in its JSON body itself (authentication: None),',
		'so its bodies equal ours but its figures include no credential handling; ours include n8n\'s',
		'credential lookup and our `authenticate` for every request. (Through our credential as a',
		'predefined credential type, n8n 2.8.4\'s HTTP Request node was refused at the time of this run:',
		'it passes the target as `uri`, which the credential\'s target check does not read.)',
		'',
		'| | most requests in flight (sandbox log) | node time | execution | vs its floor | vs this node at 10 |',
		'|---|---|---|---|---|---|',
		...p2Rows.map(([id, label, concurrency]) => {
			const row = r.p2[id];
			const at = concurrency ?? row.inFlight ?? 1;
			return `| ${label} | ${row.inFlight ?? '?'} | ${ms(row.nodesMs)} | ${ms(row.executionMs)} | ${x(row.nodesMs / floor(at))} of ${ms(floor(at))} | ${x(row.nodesMs / ours10)} |`;
		}),
		'',
		`## P3: Vendor: List vs HTTP Request + Split Out (${P2_LATENCY_MS} ms latency, one request)`,
		'',
		`Memory: growth of the n8n process's resident set during the execution (highest sample minus the value at its start);`,
		`a workflow with only a No Op node grows by ${mib(r.base.growthMiB)} (noise level). Peak = the highest sample.`,
		'',
		'| vendors | this node: time | HTTP + Split Out: time | time ratio | this node: growth (peak) | HTTP + Split Out: growth (peak) | memory ratio |',
		'|---|---|---|---|---|---|---|',
		...[...r.p3].map(([size, { ours, http }]) => {
			const memoryRatio = ours.growthMiB < 10 || http.growthMiB < 10 ? 'within noise' : x(ours.growthMiB / http.growthMiB);
			return `| ${size.toLocaleString('en-US')}${size === P3_MAIN_SIZE ? ' (main)' : ''} | ${ms(ours.nodesMs)} | ${ms(http.nodesMs)} | ${x(ours.nodesMs / http.nodesMs)} | +${mib(ours.growthMiB)} (${mib(ours.peakRssMiB)}) | +${mib(http.growthMiB)} (${mib(http.peakRssMiB)}) | ${memoryRatio} |`;
		}),
		'',
	];
	return lines.join('\n');
}

function spawnVersion(nodeBinary: string): string {
	const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
	return execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
