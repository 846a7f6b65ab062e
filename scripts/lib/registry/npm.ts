/** Running the machine's npm CLI with an environment of our choosing (never the global config). */
import { spawnSync } from 'node:child_process';

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
