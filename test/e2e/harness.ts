/**
 * What the end-to-end tests check in a real n8n (run by scripts/lib/n8n): the items and errors
 * of a run, and secret scans (by the shared scanner) of everything n8n wrote.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { N8nInstall, N8nInstance, RunResult } from '../../scripts/lib/n8n';
import { findSecrets, scanForSecrets, type ScanSource, type SecretHit } from '../helpers/secrets';

/** The JSON items a node emitted on its first (or given) output in its first run. */
export function nodeOutput(result: RunResult, nodeName: string, output = 0): any[] {
	const runs = result.runData[nodeName];
	if (!runs?.length) throw new Error(`node "${nodeName}" did not run`);
	return (runs[0].data?.main?.[output] ?? []).map((item: any) => item.json);
}

/** The error stored on a node's first run, if any. */
export function nodeError(result: RunResult, nodeName: string): any {
	return result.runData[nodeName]?.[0]?.error;
}

/**
 * JSON paths (`a.b[0].c`) of every string inside `value` that contains one of the secrets, with
 * which secret; object keys are checked too.
 */
export function locateSecrets(
	value: unknown,
	secrets: Record<string, string>,
	at = '$',
	out: Array<{ path: string; secret: string }> = [],
): Array<{ path: string; secret: string }> {
	const check = (text: string, where: string) => {
		for (const [label, secret] of Object.entries(secrets)) if (findSecrets(text, [secret]).length > 0) out.push({ path: where, secret: label });
	};
	if (typeof value === 'string') check(value, at);
	else if (Array.isArray(value)) value.forEach((v, i) => locateSecrets(v, secrets, `${at}[${i}]`, out));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			check(k, `${at}{key ${JSON.stringify(k)}}`);
			locateSecrets(v, secrets, /^[A-Za-z_$][\w$]*$/.test(k) ? `${at}.${k}` : `${at}[${JSON.stringify(k)}]`, out);
		}
	}
	return out;
}

function listFiles(dir: string, skip: (p: string) => boolean): string[] {
	if (!fs.existsSync(dir)) return [];
	const out: string[] = [];
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		if (skip(p)) continue;
		if (entry.isDirectory()) out.push(...listFiles(p, skip));
		else if (entry.isFile()) out.push(p);
	}
	return out;
}

/**
 * Everything n8n wrote: the captured log and every file of the user folder (the sqlite
 * database with its WAL holds the executions), except our unpacked package and n8n's copy
 * of its static editor assets.
 */
export function scanSources(n8n: N8nInstance, extra: ScanSource[] = []): ScanSource[] {
	const skip = new Set([
		path.join(n8n.userFolder, '.n8n', 'nodes'),
		path.join(n8n.userFolder, '.cache', 'n8n', 'public'),
	]);
	const files = listFiles(n8n.userFolder, (p) => skip.has(p));
	return [
		...files.map((f) => ({
			name: path.relative(n8n.userFolder, f),
			text: fs.readFileSync(f).toString('latin1'),
		})),
		...extra,
	];
}

/**
 * Hits of any secret, whole, in any form, in the instance's log, database/user folder and the
 * extra sources. Whole: the examples' sample credential values stored there share 8-character
 * runs with the test's secrets.
 */
export function scanInstance(n8n: N8nInstance, secrets: Array<string | undefined>, extra: ScanSource[] = []): SecretHit[] {
	return scanForSecrets(secrets, scanSources(n8n, extra), { pieces: false });
}

/**
 * Whether this n8n's Tool Executor (the node the editor puts in an agent's place to run one
 * tool) reads its arguments under the tool's name (2.x) rather than as they are (1.x).
 */
export function toolExecutorKeysByTool(install: N8nInstall): boolean {
	const file = path.join(
		install.nodeModules,
		'@n8n',
		'n8n-nodes-langchain',
		'dist',
		'nodes',
		'ToolExecutor',
		'ToolExecutor.node.js',
	);
	return fs.readFileSync(file, 'utf8').includes('getQueryData');
}
