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
import { alternate } from './alternate';
import { fetchUpdates } from './baseline';
import { ONLY, P1_ITEMS, P2_ITEMS, P2_LATENCY_MS, P3_SIZES, P4_RUNS, P4_SHAPES, RESULTS_FILE, RUNS } from './config';
import { n8nVersionOption } from './env';
import { progressLog } from './log';
import type { Measured } from './measure';
import { p4Contenders, p4Counts, p4Workflows } from './p4';
import { report, writeResults, type Results } from './report';
import { median } from './stats';
import { mapValues, summary } from './summary';
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
		const results: Results = { n8n, minutes: 0 };

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
		writeResults(text);
		log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)}`);
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

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
