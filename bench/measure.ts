/**
 * Runs one imported workflow through `n8n execute` (one CLI process per run) and measures it.
 * Times come from the run data n8n prints (the execution's startedAt/stoppedAt and each node's
 * executionTime), so the CLI's boot is not counted. Memory is the RSS of that n8n process
 * (/proc), sampled between the log lines that mark the execution's start and finish (not the
 * boot, not printing the run). CPU is the user + system time (/proc/<pid>/stat) of the n8n process
 * and its process group (the task runner that runs Code nodes; children that ended are counted
 * through their parent) read at those same two log lines, so it is the execution's CPU, whatever
 * else the machine is doing.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nInstance, freePort, parseExecuteOutput } from '../scripts/lib/n8n';
import { cpuProfileFlags } from './env';
import { groupCpuMs, procStatusKb } from './proc';

export interface Measured {
	/** execution stoppedAt − startedAt */
	executionMs: number;
	/** sum of the executionTime of the named nodes (NaN where a node did not finish) */
	nodesMs: number;
	/** items the last named node emitted (0 if it did not finish) */
	items: number;
	/** items of the last named node that carry an `error` (Continue On Fail) */
	errorItems: number;
	/** the execution's error message, when it failed (only when failures are allowed) */
	failed?: string;
	/** RSS of the n8n process when the execution started (MiB) */
	startRssMiB: number;
	/** highest RSS sampled (every 5 ms) from the execution's start to its end (MiB) */
	peakRssMiB: number;
	/** user + system CPU of the n8n process group between the execution's start and finish (ms) */
	cpuMs: number;
	/**
	 * The same from the named nodes' start to the last one's finish (their "Running node" log
	 * lines); NaN if a line was not seen. Read at a 5 ms poll: meaningful for nodes that run longer.
	 */
	nodeCpuMs: number;
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

export async function execute(n8n: N8nInstance, workflowId: string, nodeNames: string[], allowFailure = false): Promise<Measured> {
	const childEnv = n8n.env(await freePort(), await freePort());
	// Output goes to a file, not a pipe: n8n exits right after printing, and a pipe would lose the
	// end of a large run (100,000 items); writes to a file are synchronous.
	const outFile = path.join(n8n.userFolder, `bench-${workflowId}.out`);
	const out = fs.openSync(outFile, 'w');
	// BENCH_CPU_PROF=<folder>: every run also writes a V8 CPU profile there.
	const child = spawn(n8n.install.nodeBinary, [...cpuProfileFlags(workflowId), n8n.install.n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'], {
		cwd: n8n.userFolder,
		env: childEnv,
		stdio: ['ignore', out, 'pipe'],
		detached: true,
	});
	fs.closeSync(out);
	const pid = child.pid!;
	return await new Promise((resolve, reject) => {
		// Resident memory of the n8n process, sampled from the execution's start to its end, and
		// its CPU at both ends, which the debug log lines in the output file mark.
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
		// The log lines, in the order they come, and what to do at each. n8n logs JSON, so the
		// quotes around a node's name are escaped.
		const cpuAt: Record<string, number> = {};
		const running = (name: string, what: 'started' | 'finished') => `Running node \\"${name}\\" ${what}`;
		const marks: Array<{ text: string; at: () => void }> = [
			{
				text: 'Workflow execution started',
				at: () => {
					cpuAt.start = groupCpuMs(pid);
					phase = 'running';
					startKb = sample();
				},
			},
			{ text: running(nodeNames[0], 'started'), at: () => (cpuAt.nodeStart = groupCpuMs(pid)) },
			{
				text: 'Workflow execution finished',
				at: () => {
					cpuAt.end = groupCpuMs(pid);
					sample();
					phase = 'done';
				},
			},
		];
		// The last node's "finished" line can come more than once (Retry On Fail runs it again):
		// the last one counts.
		const nodeFinished = running(nodeNames[nodeNames.length - 1], 'finished');
		let next = 0;
		const tick = () => {
			if (phase === 'running') sample();
			if (phase === 'done') return;
			const buffer = Buffer.alloc(1 << 20);
			for (;;) {
				const read = fs.readSync(reader, buffer, 0, buffer.length, offset);
				if (read <= 0) break;
				offset += read;
				const text = tail + buffer.subarray(0, read).toString('utf8');
				// Only a "finished" line that ends in the new data (the tail was searched before).
				const nodeFinishedHere = text.indexOf(nodeFinished, Math.max(0, tail.length - nodeFinished.length + 1)) >= 0;
				let from = 0;
				while (next < marks.length) {
					const found = text.indexOf(marks[next].text, from);
					if (found < 0) break;
					marks[next++].at();
					from = found + 1;
				}
				if (nodeFinishedHere && cpuAt.nodeStart !== undefined) cpuAt.nodeEnd = cpuAt.end ?? groupCpuMs(pid);
				if ((phase as string) === 'done') return; // set by a mark's action
				tail = text.slice(-200);
			}
		};
		const sampler = setInterval(tick, 5);
		let stderr = '';
		child.stderr!.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 15 * 60_000);
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
			const failed: string | undefined = run?.data?.resultData?.error?.message;
			if (!run || (!allowFailure && (code !== 0 || failed !== undefined))) {
				reject(new Error(`${workflowId}: exit ${code}, ${failed ?? 'no run'}\n${stderr.slice(-2000)}`));
				return;
			}
			if (phase !== 'done' || startKb === undefined) {
				reject(new Error(`${workflowId}: the execution's start and finish log lines were not seen, so no memory or CPU was read`));
				return;
			}
			const runData = run.data.resultData.runData;
			const lastRun = runData[nodeNames[nodeNames.length - 1]]?.[0];
			const lastItems: Array<{ json?: { error?: unknown } }> = lastRun?.data?.main?.[0] ?? [];
			resolve({
				executionMs: Date.parse(run.stoppedAt) - Date.parse(run.startedAt),
				nodesMs: nodeNames.reduce((sum, name) => sum + (runData[name]?.[0]?.executionTime ?? Number.NaN), 0),
				items: lastItems.length,
				errorItems: lastItems.filter((item) => item.json?.error !== undefined).length,
				failed: failed ?? (code !== 0 ? `exit ${code}` : undefined),
				startRssMiB: startKb / 1024,
				peakRssMiB: peakKb / 1024,
				cpuMs: cpuAt.end - cpuAt.start,
				nodeCpuMs: cpuAt.nodeEnd !== undefined && cpuAt.nodeStart !== undefined ? cpuAt.nodeEnd - cpuAt.nodeStart : Number.NaN,
			});
		});
	});
}
