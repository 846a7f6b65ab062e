/**
 * Throughput, CPU and memory benchmarks inside a real n8n (the e2e suite's pinned version from
 * the install cache, or BENCH_N8N_VERSION), against the sandbox with injected latency and a
 * rate limit. Not part of `npm test`.
 *
 *   npm run bench                                  # everything, writes bench/RESULTS.md
 *   BENCH_QUICK=1 BENCH_RUNS=1 npm run bench       # smoke run: small sizes, bench/RESULTS.quick.md
 *   BENCH_ONLY=P1,P2 BENCH_N8N_VERSION=2.41.1 BENCH_OUT=RESULTS.2.41.1.md npm run bench
 *
 * P5 (the trigger's polls in a running n8n) is bench/trigger.ts; bench/list-parse.ts is P3's path outside n8n.
 *
 * Settings (environment): bench/config.ts.
 *
 * How one run is measured: bench/measure.ts; workflows compared run alternately (bench/alternate.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { loadSeedFile, startSandbox, type RunningSandbox } from '../sandbox';
import { N8nInstance } from '../scripts/lib/n8n';
import { bulkSeed, manyVendors, maxInFlight } from '../scripts/lib/fixtures';
import { ONLY, P1_ITEMS, P2_ITEMS, P2_LATENCY_MS, P3_MAIN_SIZE, P3_SIZES, P4_RUNS, P4_SHAPES, RESULTS_FILE, RUNS } from './config';
import { p4Contenders, p4Counts, p4Report, p4Workflows, type P4Row } from './p4';
import { n8nVersionOption } from './env';
import { alternate } from './alternate';
import { fetchUpdates } from './baseline';
import type { Measured } from './measure';
import { progressLog } from './log';
import { median } from './stats';
import { mapValues, summary, type Row } from './summary';
import { chain, credentialRecord, httpUpdate, httpVendors, noOp, ourUpdate, ourVendors, splitOut, updateItems } from './workflows';

const log = progressLog('bench');

async function main() {
	const benchStarted = Date.now();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mspc-oem-bench-'));
	const sandboxes: RunningSandbox[] = [];
	let n8n: N8nInstance | undefined;
	try {
		const updates = await startSandbox({ seed: bulkSeed(Math.max(P1_ITEMS, P2_ITEMS)), maxLoggedRequests: 2 * Math.max(P1_ITEMS, P2_ITEMS) });
		sandboxes.push(updates);
		const p4Items = Math.max(...P4_SHAPES.map((shape) => shape.items));
		const limited = await startSandbox({ seed: bulkSeed(p4Items), maxLoggedRequests: 30 * p4Items });
		sandboxes.push(limited);
		const vendorSandboxes = new Map<number, RunningSandbox>();
		for (const size of ONLY.has('P3') ? P3_SIZES : []) {
			// The vendor seed as a file, the way a user would start the sandbox with one.
			const file = path.join(work, `vendors-${size}.json`);
			fs.writeFileSync(file, JSON.stringify({ vendors: manyVendors(size) }));
			const sandbox = await startSandbox({ seed: loadSeedFile(file), faults: { latencyMs: P2_LATENCY_MS }, maxLoggedRequests: 10 });
			sandboxes.push(sandbox);
			vendorSandboxes.set(size, sandbox);
		}

		log('packing the package and preparing n8n');
		n8n = await N8nInstance.create({ logLevel: 'debug', ...n8nVersionOption() });
		const creds = [
			{ id: 'benchUpdates', sandbox: updates },
			{ id: 'benchLimited', sandbox: limited },
			...[...vendorSandboxes].map(([size, sandbox]) => ({ id: `benchVendors${size}`, sandbox })),
		];
		await n8n.importCredentials(creds.map(({ id, sandbox }) => credentialRecord(id, sandbox)));
		const workflows = [
			chain('p1Ours', [updateItems(P1_ITEMS), ourUpdate('benchUpdates', 'keyValue', { concurrency: 1 })]),
			chain('p1OursJson', [updateItems(P1_ITEMS), ourUpdate('benchUpdates', 'json', { concurrency: 1 })]),
			chain('p1OursAutoMap', [updateItems(P1_ITEMS, 'template'), ourUpdate('benchUpdates', 'template', { concurrency: 1 })]),
			chain('p1Http', [updateItems(P1_ITEMS), httpUpdate(updates, {})]),
			chain('p2Ours', [updateItems(P2_ITEMS), ourUpdate('benchUpdates', 'keyValue', {})]),
			chain('p2Ours10', [updateItems(P2_ITEMS), ourUpdate('benchUpdates', 'keyValue', { concurrency: 10 })]),
			chain('p2OursJson', [updateItems(P2_ITEMS), ourUpdate('benchUpdates', 'json', {})]),
			chain('p2OursAutoMap', [updateItems(P2_ITEMS, 'template'), ourUpdate('benchUpdates', 'template', {})]),
			chain('p2Http', [updateItems(P2_ITEMS), httpUpdate(updates, {})]),
			chain('p2HttpB10i0', [updateItems(P2_ITEMS), httpUpdate(updates, { batching: { batch: { batchSize: 10, batchInterval: 0 } } })]),
			chain('p2HttpB10i20', [updateItems(P2_ITEMS), httpUpdate(updates, { batching: { batch: { batchSize: 10, batchInterval: P2_LATENCY_MS } } })]),
			chain('p3Base', [noOp('NoOp')]),
			...[...vendorSandboxes].flatMap(([size, sandbox]) => [
				chain(`p3Ours${size}`, [ourVendors(`benchVendors${size}`)]),
				chain(`p3Http${size}`, [httpVendors(sandbox), splitOut]),
			]),
			...P4_SHAPES.flatMap((shape) => p4Workflows(shape, limited, 'benchLimited')),
		];
		await n8n.importWorkflows(workflows);

		/**
		 * After each run: exactly one update per item (ours also reads Integration: List once, for its
		 * stored-keys guard), and how many requests the sandbox held at once.
		 */
		const checkRequests = (expected: number, latencyMs: number) => () => {
			const requests = updates.requests;
			updates.clearRequests();
			const sent = requests.filter((request) => request.method === 'PATCH').length;
			if (sent !== expected) throw new Error(`expected ${expected} updates, the sandbox saw ${sent}`);
			return { inFlight: latencyMs > 0 ? maxInFlight(requests, latencyMs) : undefined };
		};
		const results: Parameters<typeof report>[0] = { n8n, minutes: 0 };

		if (ONLY.has('P1')) {
			// P1: per-request cost, no latency; ours one at a time (the HTTP Request node has no such setting).
			log('P1');
			updates.setFaults({ latencyMs: 0 });
			await fetchUpdates(updates, 20); // warm up
			const fetchRuns: number[] = [];
			for (let i = 0; i < RUNS; i++) fetchRuns.push(await fetchUpdates(updates, P1_ITEMS));
			updates.clearRequests();
			const runs = await alternate(
				n8n,
				['p1Ours', 'p1OursJson', 'p1OursAutoMap', 'p1Http'].map((id) => ({
					id,
					nodeNames: [id.startsWith('p1Ours') ? 'Ours' : 'HTTP'],
					after: checkRequests(P1_ITEMS, 0),
				})),
			);
			results.p1 = { fetchMs: median(fetchRuns), rows: mapValues(runs, summary) };
		}

		if (ONLY.has('P2')) {
			log('P2');
			updates.setFaults({ latencyMs: P2_LATENCY_MS });
			const runs = await alternate(n8n, [
				...['p2Ours', 'p2Ours10', 'p2OursJson', 'p2OursAutoMap', 'p2Http', 'p2HttpB10i0', 'p2HttpB10i20'].map((id) => ({
					id,
					nodeNames: [id.startsWith('p2Ours') ? 'Ours' : 'HTTP'],
					after: checkRequests(P2_ITEMS, P2_LATENCY_MS),
				})),
			]);
			results.p2 = mapValues(runs, summary);
		}

		if (ONLY.has('P3')) {
			log('P3');
			const runs = await alternate(n8n, [
				{ id: 'p3Base', nodeNames: ['NoOp'] },
				...P3_SIZES.flatMap((size) => [
					{ id: `p3Ours${size}`, nodeNames: ['Ours'], after: checkItems(size) },
					{ id: `p3Http${size}`, nodeNames: ['HTTP', 'Split Out'], after: checkItems(size) },
				]),
			]);
			results.p3 = mapValues(runs, summary);
		}

		if (ONLY.has('P4')) {
			results.p4 = {};
			for (const shape of P4_SHAPES) {
				log(`P4: ${shape.items} updates, ${shape.label}`);
				const rateLimit = { requests: shape.requests, windowSeconds: shape.windowSeconds, fixed: shape.fixed };
				const runs = await alternate(
					n8n,
					p4Contenders(shape).map(({ id, node }) => ({
						id,
						nodeNames: [node],
						allowFailure: true,
						before: () => {
							limited.setFaults({ rateLimit }); // a fresh window for every run
							limited.clearRequests();
						},
						after: () => p4Counts(limited.requests, shape),
					})),
					P4_RUNS,
				);
				Object.assign(
					results.p4,
					mapValues(runs, (r) => ({
						...summary(r),
						completed: r.filter((run) => !run.failed && run.errorItems === 0 && run.updated === shape.items).length,
						updated: median(r.map((run) => run.updated)),
						throttled: median(r.map((run) => run.throttled)),
						laterThrottled: median(r.map((run) => run.laterThrottled)),
						sent: median(r.map((run) => run.sent)),
						floorMs: median(r.map((run) => run.floorMs)),
						ratio: median(r.map((run) => run.nodesMs / run.floorMs)),
						failure: r.find((run) => run.failed)?.failed,
					})),
				);
			}
		}

		results.minutes = (Date.now() - benchStarted) / 60_000;
		const text = report(results);
		const out = RESULTS_FILE;
		// The reading is written by hand after a run; a new run keeps it (to be checked against the new figures).
		const previous = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
		const reading = previous.includes('\n## Reading') ? previous.slice(previous.indexOf('\n## Reading') + 1) : '## Reading\n\n(to be written)\n';
		fs.writeFileSync(out, `${text}\n${reading}`);
		log(`wrote ${path.relative(process.cwd(), out)}`);
		process.stdout.write(text);
	} finally {
		await n8n?.dispose();
		for (const sandbox of sandboxes) await sandbox.stop();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

const checkItems = (expected: number) => (measured: Measured) => {
	if (measured.items !== expected) throw new Error(`expected ${expected} items, got ${measured.items}`);
	return {};
};

function report(r: {
	n8n: N8nInstance;
	minutes: number;
	p1?: { fetchMs: number; rows: Record<string, Row> };
	p2?: Record<string, Row>;
	p3?: Record<string, Row>;
	p4?: Record<string, P4Row>;
}): string {
	const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} ms` : '–');
	const ms2 = (v: number) => `${v.toFixed(2)} ms`;
	const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
	const mib = (v: number) => `${Math.round(v)} MiB`;
	const cpu = os.cpus();
	const n8nNode = spawnVersion(r.n8n.install.nodeBinary);
	const lines = [
		'# Benchmarks',
		'',
		`Run by \`${commandLine()}\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}, ${RUNS} runs per figure${r.p4 ? ` (P4: ${P4_RUNS})` : ''}, medians, workflows compared run alternately; ${r.minutes.toFixed(1)} min in all.`,
		'',
		`- Machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${os.type()}, load average ${os.loadavg()[0].toFixed(1)} at the end`,
		`- n8n ${r.n8n.version} on Node ${n8nNode} (\`n8n execute\`, SQLite, regular mode); bench and fetch on Node ${process.versions.node}`,
		`- Package version ${require('../package.json').version}; the sandbox runs in the bench process on loopback`,
		'',
		'Wall times are measured inside n8n: the node\'s `executionTime` from the run data (the',
		'execution\'s startedAt → stoppedAt is shown too), never the CLI\'s boot. CPU is the user + system',
		'time of the `n8n execute` process and its process group (the task runner) from /proc/<pid>/stat,',
		'read when n8n logs that the measured node starts and that it finishes (polled every 5 ms), so it',
		'counts what the node cost in this process whatever else the shared machine does; CPU per request',
		'divides it by the requests. Memory is the resident set of the `n8n execute` process, sampled',
		'every 5 ms between the log lines that mark the execution\'s start and finish.',
		'',
	];

	if (r.p1) {
		const { fetchMs, rows } = r.p1;
		const per = (row: Row) => ({ wall: row.nodesMs / P1_ITEMS, cpu: row.nodeCpuMs / P1_ITEMS });
		const http = per(rows.p1Http);
		const p1Rows: Array<[string, string]> = [
			['p1Ours', 'This node, Key/Value Pairs (3 expressions)'],
			['p1OursJson', "This node, JSON (2 expressions, as the HTTP Request node's)"],
			['p1OursAutoMap', 'This node, Vendor Template, Map Automatically (1 expression)'],
		];
		lines.push(
			`## P1: per-request cost (${P1_ITEMS} Integration: Update requests, no latency)`,
			'',
			'This node runs one item at a time (Items at Once 1); the HTTP Request node has no such setting and',
			'sends all at once, so compare CPU, not wall time.',
			'',
			'| | node time | per request (wall) | CPU per request | CPU vs HTTP Request | whole execution CPU |',
			'|---|---|---|---|---|---|',
			`| Node's fetch, in the bench process, one at a time | ${ms(fetchMs)} | ${ms2(fetchMs / P1_ITEMS)} | – | – | – |`,
			...p1Rows.map(([id, label]) => {
				const row = per(rows[id]);
				return `| ${label}, Items at Once 1 | ${ms(rows[id].nodesMs)} | ${ms2(row.wall)} | ${ms2(row.cpu)} | ${x(row.cpu / http.cpu)} | ${ms(rows[id].cpuMs)} |`;
			}),
			`| HTTP Request node (2 expressions), default settings | ${ms(rows.p1Http.nodesMs)} | ${ms2(http.wall)} | ${ms2(http.cpu)} | 1.00× | ${ms(rows.p1Http.cpuMs)} |`,
			'',
			`**CPU per request with the HTTP Request node's number of expressions (JSON), this node / HTTP Request node: ${x(per(rows.p1OursJson).cpu / http.cpu)}** (target ≤ 1.00×).`,
			'',
		);
	}

	if (r.p2) {
		const rows = r.p2;
		const p2Rows: Array<[string, string]> = [
			['p2Ours', 'This node, default settings, Key/Value Pairs (3 expressions)'],
			['p2Ours10', 'This node, Items at Once 10, Key/Value Pairs'],
			['p2OursJson', "This node, default settings, JSON (2 expressions, as the HTTP Request node's)"],
			['p2OursAutoMap', 'This node, default settings, Vendor Template, Map Automatically (1 expression; the README\'s recommendation)'],
			['p2Http', 'HTTP Request node, default settings'],
			['p2HttpB10i0', 'HTTP Request node, batching: 10 items per batch, interval 0'],
			['p2HttpB10i20', `HTTP Request node, batching: 10 items per batch, interval ${P2_LATENCY_MS} ms`],
		];
		const httpDefault = rows.p2Http.nodesMs;
		const cpuRatio = (id: string) => x(rows[id].nodeCpuMs / rows.p2Http.nodeCpuMs);
		lines.push(
			`## P2: ${P2_ITEMS.toLocaleString('en-US')} Integration: Update items at ${P2_LATENCY_MS} ms latency`,
			'',
			`Floor = ${P2_ITEMS.toLocaleString('en-US')} × ${P2_LATENCY_MS} ms ÷ the most requests the sandbox had in flight at once.`,
			'',
			'The HTTP Request node sends the client credentials in its JSON body itself (authentication: None),',
			'so its bodies equal ours but its figures include no credential handling; ours include n8n\'s',
			'credential lookup and our `authenticate`. (Through our credential as a predefined credential',
			'type, n8n 2.8.4\'s HTTP Request node was refused: it passes the target as `uri`, which the',
			'credential\'s target check does not read.) Map Automatically reads input items whose fields carry',
			'the template\'s key names (`api key`, `api username`) instead of `key` and `user`: the same data.',
			'',
			'| | most in flight (sandbox log) | node time | execution | vs its floor | CPU per request | CPU vs HTTP Request default | wall vs HTTP Request default |',
			'|---|---|---|---|---|---|---|---|',
			...p2Rows.map(([id, label]) => {
				const row = rows[id];
				const floor = (P2_ITEMS * P2_LATENCY_MS) / (row.inFlight ?? 1);
				return `| ${label} | ${row.inFlight ?? '?'} | ${ms(row.nodesMs)} | ${ms(row.executionMs)} | ${x(row.nodesMs / floor)} of ${ms(floor)} | ${ms2(row.nodeCpuMs / P2_ITEMS)} | ${cpuRatio(id)} | ${x(row.nodesMs / httpDefault)} |`;
			}),
			'',
			`**With the HTTP Request node's number of expressions (JSON), CPU per request this node / HTTP Request node: ${cpuRatio('p2OursJson')}** (target ≤ 1.00×).`,
			`**The README's recommendation (Map Automatically), wall time this node / HTTP Request node at its defaults: ${x(rows.p2OursAutoMap.nodesMs / httpDefault)}** (target ≤ 1.00×);`,
			`Key/Value Pairs: ${x(rows.p2Ours.nodesMs / httpDefault)}, JSON: ${x(rows.p2OursJson.nodesMs / httpDefault)}.`,
			'',
		);
	}

	if (r.p3) {
		const rows = r.p3;
		lines.push(
			`## P3: Vendor: List vs HTTP Request + Split Out (${P2_LATENCY_MS} ms latency, one request)`,
			'',
			'Memory: growth of the n8n process\'s resident set during the execution (highest sample minus the',
			`value at its start); a workflow with only a No Op node grows by ${mib(rows.p3Base.growthMiB)} and uses ${ms(rows.p3Base.cpuMs)} of CPU`,
			'(noise level). Peak = the highest sample. CPU is the nodes\' (for HTTP + Split Out, both).',
			'',
			'| vendors | this node: time | HTTP + Split Out: time | time ratio | this node: CPU | HTTP + Split Out: CPU | this node: growth (peak) | HTTP + Split Out: growth (peak) | memory ratio |',
			'|---|---|---|---|---|---|---|---|---|',
			...P3_SIZES.map((size) => {
				const ours = rows[`p3Ours${size}`];
				const http = rows[`p3Http${size}`];
				const memoryRatio = ours.growthMiB < 10 || http.growthMiB < 10 ? 'within noise' : x(ours.growthMiB / http.growthMiB);
				return `| ${size.toLocaleString('en-US')}${size === P3_MAIN_SIZE ? ' (main)' : ''} | ${ms(ours.nodesMs)} | ${ms(http.nodesMs)} | ${x(ours.nodesMs / http.nodesMs)} | ${ms(ours.nodeCpuMs)} | ${ms(http.nodeCpuMs)} | +${mib(ours.growthMiB)} (${mib(ours.peakRssMiB)}) | +${mib(http.growthMiB)} (${mib(http.peakRssMiB)}) | ${memoryRatio} |`;
			}),
			'',
		);
	}

	if (r.p4) lines.push(...p4Report(P4_SHAPES, r.p4, P4_RUNS));
	return lines.join('\n');
}

/** The command that reproduces this run: the settings it was given. */
function commandLine(): string {
	const given = Object.keys(process.env)
		.filter((key) => key.startsWith('BENCH_'))
		.sort()
		.map((key) => `${key}=${process.env[key]}`);
	return [...given, 'npm run bench'].join(' ');
}

function spawnVersion(nodeBinary: string): string {
	const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
	return execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
