/** Running the machine's npm CLI with an environment of our choosing (never the global config). */
import { spawn, spawnSync } from 'node:child_process';

import { npmCli } from '../n8n/install';

/** Environment without the npm_* settings `npm run` / jest inherit from our repo's npm. */
export function withoutNpmSettings(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
	const clean: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(env)) if (!/^npm_/i.test(key)) clean[key] = value;
	return clean;
}

/** `npm <args>` in `cwd`; throws with npm's output when it fails. Returns stdout. */
export function runNpm(
	args: string[],
	opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): string {
	const res = spawnSync(process.execPath, [npmCli(), ...args], {
		cwd: opts.cwd,
		env: opts.env ?? withoutNpmSettings(),
		encoding: 'utf8',
		timeout: opts.timeoutMs ?? 120_000,
		killSignal: 'SIGKILL',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (res.status !== 0) {
		throw new Error(
			`npm ${args[0]} failed (${res.error?.message ?? `exit ${res.status}`}):\n${res.stdout}\n${res.stderr}`,
		);
	}
	return res.stdout;
}

/**
 * `npm <args>` without blocking the event loop (a proxy or registry client in this process keeps
 * answering meanwhile); rejects with npm's output when it fails. Resolves with stdout.
 */
export function runNpmAsync(
	args: string[],
	opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [npmCli(), ...args], {
			cwd: opts.cwd,
			env: opts.env ?? withoutNpmSettings(),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
		child.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve(stdout);
			else reject(new Error(`npm ${args[0]} failed (${signal ?? `exit ${code}`}):\n${stdout}\n${stderr}`));
		});
	});
}

/** The registry this machine's npm is configured with (`npm config get registry`), read at run time. */
export function machineRegistry(): string {
	// npm_execpath & co. are harmless here, but npm_config_registry set by a caller must win: keep env
	return runNpm(['config', 'get', 'registry'], { cwd: process.cwd(), env: process.env }).trim();
}

/** The CA file this machine's npm is configured with, if any (`npm config get cafile`). */
export function machineCaFile(): string | undefined {
	const value = runNpm(['config', 'get', 'cafile'], { cwd: process.cwd(), env: process.env }).trim();
	return value && value !== 'null' && value !== 'undefined' ? value : undefined;
}
