/**
 * P5: the trigger at scale. One poll of the MSPC OEM Trigger (Vendor Added) over a large vendor
 * catalogue against the do-it-yourself workflow (Schedule Trigger → HTTP Request → Split Out →
 * Remove Duplicates, "remove items processed in previous executions", keyed by vendor id), each
 * active in its own `n8n start` (fresh SQLite database), polled on its schedule like a user's.
 *
 *   npx ts-node --transpile-only bench/trigger.ts                         # 10,000 and 100,000 vendors
 *   BENCH_SIZES=1000 BENCH_POLLS=3 npx ts-node --transpile-only bench/trigger.ts   # smoke run
 *
 * Settings (environment): BENCH_SIZES (vendor counts), BENCH_POLLS (polls per workflow, default
 * 10), BENCH_N8N_VERSION, BENCH_CPU_PROF (a folder: the n8n process writes a V8 CPU profile there
 * when it stops).
 *
 * A poll starts at n8n's log line for it ("Polling trigger initiated" for the trigger, "Workflow
 * execution started" for the Schedule Trigger's execution) and ends once the sandbox has answered
 * the vendor list and the n8n process group has then used no more CPU than an idle n8n for a
 * second (and, for the workflow, after "Workflow execution finished"): its CPU is the group's user + system time over that span (/proc), its
 * memory growth the highest resident set sampled in it (every 20 ms) minus the value at its
 * start. After each poll one vendor is added, so every later poll has one new vendor to report.
 * After the last poll n8n is stopped and its database read: the trigger keeps its memory in the
 * workflow's static data (workflow_entity.staticData); Remove Duplicates keeps the hashes of the
 * ids it has seen in processed_data.value. Both are measured in bytes (UTF-8) as stored.
 * The workflows run alternately (ours, theirs, for each size); polls of one workflow never
 * overlap (the schedule leaves room for the slowest poll).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { N8nInstance, TRIGGER_NODE_TYPE } from '../scripts/lib/n8n';
import { manyVendors } from '../scripts/lib/fixtures';
import { cpuProfileFlags, n8nVersionOption, numberEnv, numbersEnv } from './env';
import { progressLog } from './log';
import { findProcess, groupCpuMs, procStatusKb } from './proc';
import { median } from './stats';
import { credential, credentialRecord, httpVendors, linear, noOp, splitOut, type SandboxAccess } from './workflows';

const SIZES = numbersEnv('BENCH_SIZES', [10_000, 100_000]);
const POLLS = numberEnv('BENCH_POLLS', 10);
const LATENCY_MS = 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = progressLog('bench P5');

type Contender = 'ours' | 'diy';

/**
 * The sandbox in its own process (its CLI): serving 100,000 vendors takes seconds of CPU, which in
 * this process would hold up the sampling. It logs a line for every answer it has sent.
 */
interface Sandbox extends SandboxAccess {
	/** Vendor lists answered so far. */
	answered: () => number;
	child: ChildProcess;
}

async function startSandboxProcess(seedFile: string): Promise<Sandbox> {
	const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, '..', 'sandbox', 'cli.ts'), '--port', '0', '--seed-file', seedFile, '--latency', String(LATENCY_MS), '--json'], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	let answered = 0;
	let buffered = '';
	return await new Promise((resolve, reject) => {
		child.on('error', reject);
		child.on('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
		child.stdout!.on('data', (data: Buffer) => {
			buffered += data.toString('utf8');
			const lines = buffered.split('\n');
			buffered = lines.pop()!;
			for (const line of lines) {
				if (line.startsWith('{')) {
					const { url, clientId, clientSecret, scope } = JSON.parse(line) as Record<string, string>;
					resolve({ url, credentials: { clientId, clientSecret, scope }, answered: () => answered, child });
				} else if (line.startsWith('POST /api/oem-api/vendor -> ')) answered++;
			}
		});
	});
}

/** Every `seconds` seconds, as n8n's poll times (one custom cron a minute each; n8n refuses faster single ones). */
const pollTimes = (seconds: number) => ({
	item: Array.from({ length: 60 / seconds }, (_, i) => ({ mode: 'custom', cronExpression: `${i * seconds} * * * * *` })),
});

function workflow(contender: Contender, size: number, sandbox: Sandbox, seconds: number) {
	const id = `p5${contender}${size}`.slice(0, 16);
	const place = (node: Record<string, unknown>) => ({ id: `${id}-${(node.name as string).replace(/\W/g, '')}`, position: [0, 0], ...node });
	const nodes =
		contender === 'ours'
			? [
					{
						name: 'Trigger',
						type: TRIGGER_NODE_TYPE,
						typeVersion: 1,
						parameters: { event: 'vendorAdded', pollTimes: pollTimes(seconds) },
						credentials: credential('benchTrigger'),
					},
					noOp('Received'),
				]
			: [
					{
						name: 'Trigger',
						type: 'n8n-nodes-base.scheduleTrigger',
						typeVersion: 1.2,
						parameters: {
							rule: { interval: [seconds % 60 === 0 ? { field: 'minutes', minutesInterval: seconds / 60 } : { field: 'seconds', secondsInterval: seconds }] },
						},
					},
					httpVendors(sandbox),
					splitOut,
					{
						name: 'Remove Duplicates',
						type: 'n8n-nodes-base.removeDuplicates',
						typeVersion: 2,
						parameters: {
							operation: 'removeItemsSeenInPreviousExecutions',
							logic: 'removeItemsWithAlreadySeenKeyValues',
							dedupeValue: '={{ $json.id }}',
							// It refuses a run whose items and history together exceed the history size.
							options: { historySize: 2 * size + 10 * POLLS },
						},
					},
				];
	return linear(id, nodes.map(place));
}

/** The `n8n start` process of an instance: the process whose working folder is the instance's. */
function serverPid(n8n: N8nInstance): number {
	const pid = findProcess((cmdline, cwd) => cmdline.includes(n8n.install.n8nBin) && cmdline.includes('start') && cwd === n8n.userFolder);
	if (pid === undefined) throw new Error('the n8n start process was not found');
	return pid;
}

interface Poll {
	cpuMs: number;
	growthMiB: number;
	ms: number;
}

/** Bytes (UTF-8) of SQL query results from n8n's database, read with the install's own sqlite3. */
function databaseBytes(n8n: N8nInstance): { staticData: number; processedData: number; executionData: number } {
	const script = `
		const sqlite3 = require('sqlite3');
		const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
		const one = (sql) => new Promise((res, rej) => db.get(sql, (e, row) => (e ? rej(e) : res(Number(Object.values(row)[0]) || 0))));
		(async () => {
			const out = {
				staticData: await one('SELECT sum(length(CAST(staticData AS BLOB))) FROM workflow_entity'),
				processedData: await one('SELECT sum(length(CAST(value AS BLOB))) FROM processed_data'),
				executionData: await one('SELECT sum(length(CAST(data AS BLOB))) FROM execution_data'),
			};
			process.stdout.write(JSON.stringify(out));
			db.close();
		})().catch((e) => { console.error(e); process.exit(1); });`;
	const res = spawnSync(n8n.install.nodeBinary, ['-e', script, n8n.dbFile], {
		cwd: n8n.install.dir,
		env: { PATH: process.env.PATH, NODE_PATH: n8n.install.nodeModules },
		encoding: 'utf8',
	});
	if (res.status !== 0) throw new Error(`reading the database failed: ${res.stderr}`);
	return JSON.parse(res.stdout);
}

async function measure(contender: Contender, size: number, sandbox: Sandbox, seconds: number) {
	const wf = workflow(contender, size, sandbox, seconds);
	const profile = cpuProfileFlags(wf.id);
	const n8n = await N8nInstance.create({
		logLevel: 'debug',
		...n8nVersionOption(),
		...(profile.length ? { env: { NODE_OPTIONS: profile.join(' ') } } : {}),
	});
	try {
		await n8n.importCredentials([credentialRecord('benchTrigger', sandbox)]);
		await n8n.importWorkflows([wf]);
		await n8n.activateWorkflows([wf.id]);
		let offset = fs.statSync(n8n.logFile).size;
		await n8n.start();
		const pid = serverPid(n8n);
		const startMark = contender === 'ours' ? 'Polling trigger initiated' : 'Workflow execution started';
		const polls: Poll[] = [];
		let added = 0;
		// Reads what n8n logged since the last read.
		const newLog = () => {
			const size = fs.statSync(n8n.logFile).size;
			if (size <= offset) return '';
			const fd = fs.openSync(n8n.logFile, 'r');
			const buffer = Buffer.alloc(size - offset);
			fs.readSync(fd, buffer, 0, buffer.length, offset);
			fs.closeSync(fd);
			offset = size;
			return buffer.toString('utf8');
		};
		const deadline = Date.now() + (POLLS + 3) * seconds * 1000 + 120_000;
		let text = '';
		while (polls.length < POLLS) {
			if (Date.now() > deadline) throw new Error(`${wf.id}: only ${polls.length} polls seen\n${n8n.logTail()}`);
			text += newLog();
			const at = text.indexOf(startMark);
			if (at < 0) {
				text = text.slice(-200);
				await sleep(20);
				continue;
			}
			text = text.slice(at + startMark.length);
			const started = Date.now();
			const asked = sandbox.answered();
			const cpuStart = groupCpuMs(pid);
			const rssStart = procStatusKb(pid, 'VmRSS') ?? 0;
			let peak = rssStart;
			let finished = contender === 'ours';
			let lastCpu = cpuStart;
			let quietSince = Date.now();
			for (;;) {
				await sleep(20);
				peak = Math.max(peak, procStatusKb(pid, 'VmRSS') ?? 0);
				text += newLog();
				if (!finished && text.includes('Workflow execution finished')) {
					finished = true;
					text = text.slice(text.indexOf('Workflow execution finished'));
				}
				const cpu = groupCpuMs(pid);
				// An idle n8n uses a few ms a second; more than 10 ms in 20 ms is work. Waiting for
				// the answer is not the end: quiet counts once the vendor list has been answered.
				const answered = sandbox.answered() > asked;
				if (cpu - lastCpu > 10 || !answered) quietSince = Date.now();
				lastCpu = cpu;
				if (finished && Date.now() - quietSince >= 1000) break;
			}
			const poll = { cpuMs: lastCpu - cpuStart, growthMiB: (peak - rssStart) / 1024, ms: quietSince - started };
			polls.push(poll);
			log(`${wf.id} poll ${polls.length}: CPU ${poll.cpuMs.toFixed(0)} ms, ${poll.ms} ms, RSS ${(rssStart / 1024).toFixed(0)} → peak ${(peak / 1024).toFixed(0)} MiB`);
			// One new vendor for the next poll.
			const res = await fetch(`${sandbox.url}/__admin/vendors`, {
				method: 'POST',
				body: JSON.stringify({ id: `p5-new-${contender}-${added++}`, name: `P5 New ${added}`, credentialKeys: ['api key'] }),
			});
			if (res.status >= 300) throw new Error(`adding a vendor: ${res.status}`);
		}
		await n8n.stop();
		const bytes = databaseBytes(n8n);
		log(`${wf.id}: ${JSON.stringify(bytes)}`);
		return { polls, bytes };
	} finally {
		await n8n.dispose();
	}
}

async function main() {
	const began = Date.now();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mspc-oem-bench-p5-'));
	const rows: Array<{ size: number; ours: Awaited<ReturnType<typeof measure>>; diy: Awaited<ReturnType<typeof measure>> }> = [];
	let version = '';
	try {
		for (const size of SIZES) {
			const results: Partial<Record<Contender, Awaited<ReturnType<typeof measure>>>> = {};
			for (const contender of ['ours', 'diy'] as const) {
				// A fresh catalogue for each workflow (the previous one's polls added vendors to it).
				const file = path.join(work, `vendors-${size}.json`);
				fs.writeFileSync(file, JSON.stringify({ vendors: manyVendors(size) }));
				const sandbox = await startSandboxProcess(file);
				try {
					// Room for the slowest poll on a loaded machine: the workflow runs every vendor through an expression.
					const seconds = size >= 50_000 ? (contender === 'diy' ? 180 : 30) : contender === 'diy' ? 30 : 10;
					log(`${contender}, ${size} vendors, a poll every ${seconds} s`);
					results[contender] = await measure(contender, size, sandbox, seconds);
				} finally {
					sandbox.child.removeAllListeners('exit');
					sandbox.child.kill();
				}
			}
			rows.push({ size, ours: results.ours!, diy: results.diy! });
		}
		version = (await N8nInstance.create({ tarball: false, ...n8nVersionOption() })).version;
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
	process.stdout.write(`${report(rows, version, (Date.now() - began) / 60_000)}\n`);
}

function report(rows: Array<{ size: number; ours: { polls: Poll[]; bytes: ReturnType<typeof databaseBytes> }; diy: { polls: Poll[]; bytes: ReturnType<typeof databaseBytes> } }>, version: string, minutes: number) {
	const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
	const mib = (v: number) => `${v.toFixed(0)} MiB`;
	const kb = (v: number) => `${(v / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} kB`;
	const x = (v: number) => `${v.toFixed(2)}×`;
	// The first poll sets the baseline (ours: no items; theirs: every vendor is new); the rest are the steady state.
	const later = (polls: Poll[]) => polls.slice(1);
	const lines = [
		`n8n ${version}, ${POLLS} polls per workflow, ${minutes.toFixed(1)} min; per-poll figures are medians of polls 2–${POLLS} (poll 1, the baseline, shown apart)`,
		'',
		'| vendors | per poll | this trigger | DIY workflow | ratio |',
		'|---|---|---|---|---|',
	];
	for (const { size, ours, diy } of rows) {
		const row = (label: string, a: number, b: number, f: (v: number) => string) => lines.push(`| ${size.toLocaleString('en-US')} | ${label} | ${f(a)} | ${f(b)} | ${x(a / b)} |`);
		row('CPU', median(later(ours.polls).map((p) => p.cpuMs)), median(later(diy.polls).map((p) => p.cpuMs)), ms);
		row('memory growth', median(later(ours.polls).map((p) => p.growthMiB)), median(later(diy.polls).map((p) => p.growthMiB)), mib);
		row('time', median(later(ours.polls).map((p) => p.ms)), median(later(diy.polls).map((p) => p.ms)), ms);
		row('CPU, poll 1', ours.polls[0].cpuMs, diy.polls[0].cpuMs, ms);
		row('memory growth, poll 1', ours.polls[0].growthMiB, diy.polls[0].growthMiB, mib);
		row(`database: what it remembers after ${POLLS} polls`, ours.bytes.staticData, diy.bytes.processedData, kb);
		lines.push(`| ${size.toLocaleString('en-US')} | database: execution data after ${POLLS} polls | ${kb(ours.bytes.executionData)} | ${kb(diy.bytes.executionData)} | ${x(ours.bytes.executionData / diy.bytes.executionData)} |`);
	}
	return lines.join('\n');
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
