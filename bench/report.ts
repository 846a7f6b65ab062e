/** npm run bench's report: the Markdown of bench/RESULTS.md from the figures of a run. */
import * as fs from 'node:fs';
import * as os from 'node:os';

import type { N8nInstance } from '../scripts/lib/n8n';
import { P1_ITEMS, P2_ITEMS, P2_LATENCY_MS, P3_MAIN_SIZE, P3_SIZES, P4_RUNS, P4_SHAPES, RESULTS_FILE, RUNS } from './config';
import { p4Report, type P4Row } from './p4';
import type { Row } from './summary';

/** The figures of one run of npm run bench, each part present when it ran. */
export interface Results {
	n8n: N8nInstance;
	minutes: number;
	p1?: { fetchMs: number; rows: Record<string, Row> };
	p2?: Record<string, Row>;
	p3?: Record<string, Row>;
	p4?: Record<string, P4Row>;
}

export function report(r: Results): string {
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

/** Writes the report to the results file, above the reading of the file it replaces. */
export function writeResults(text: string): void {
	// The reading is written by hand after a run; a new run keeps it (to be checked against the new figures).
	const previous = fs.existsSync(RESULTS_FILE) ? fs.readFileSync(RESULTS_FILE, 'utf8') : '';
	const reading = previous.includes('\n## Reading') ? previous.slice(previous.indexOf('\n## Reading') + 1) : '## Reading\n\n(to be written)\n';
	fs.writeFileSync(RESULTS_FILE, `${text}\n${reading}`);
}
