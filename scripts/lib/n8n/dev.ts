/**
 * `npm run dev`'s loop, like `n8n-node dev`: `tsc --watch` rebuilds dist/ on every source
 * change; after each compile without errors the icons and codex files are copied beside it
 * (`gulp build:icons`) and the build replaces the one in n8n's nodes folder. n8n, started with
 * N8N_DEV_RELOAD (as `n8n-node dev` starts it; honoured by 1.123.50, 2.8.4 and 2.41.1 when
 * NODE_ENV is unset, as in our instances), watches that folder, reloads the package and tells
 * the open editor (push `nodeDescriptionUpdated`): no restart, so a change is in the editor within seconds.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { N8nInstance } from './instance';
import { REPO_ROOT } from './package';
import { track } from './processes';

/** n8n's own reload of changed community packages (no restart). */
export const HOT_RELOAD_ENV = { N8N_DEV_RELOAD: 'true' };

const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);

/** What tsc --watch prints when a compile ends: `Found 0 errors. Watching for file changes.` */
const COMPILE_DONE = /Found (\d+) errors?\. Watching for file changes/;

/** Copies a fresh build (with its icons) into the package folder n8n loaded it from. */
function installBuild(n8n: N8nInstance, log: (line: string) => void): void {
	const icons = spawnSync(bin('gulp'), ['build:icons'], { cwd: REPO_ROOT, encoding: 'utf8' });
	if (icons.status !== 0) log(`  copying icons failed: ${icons.stderr || icons.stdout}`);
	const installedDist = path.join(n8n.installedPackage!.dir, 'dist');
	fs.rmSync(installedDist, { recursive: true, force: true });
	fs.cpSync(path.join(REPO_ROOT, 'dist'), installedDist, { recursive: true });
}

/**
 * Rebuilds on every source change and hands each build to n8n until n8n stops (resolves with
 * how it stopped). `log` receives one line per step. n8n must run with HOT_RELOAD_ENV.
 */
export function rebuildOnChange(n8n: N8nInstance, log: (line: string) => void): Promise<string> {
	let changedAt = 0;
	// the first compile repeats the build npm start just made
	let firstCompile = true;
	const tsc = spawn(bin('tsc'), ['--watch', '--preserveWatchOutput', '--pretty', 'false', '-p', 'tsconfig.build.json'], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true,
	});
	track(tsc.pid!);
	let buffered = '';
	tsc.stdout!.on('data', (chunk) => {
		buffered += String(chunk);
		const lines = buffered.split('\n');
		buffered = lines.pop() ?? '';
		for (const line of lines) {
			if (/File change detected/.test(line)) {
				changedAt = Date.now();
				log('• source changed: rebuilding');
			} else if (/error TS\d+/.test(line)) {
				log(`  ${line.trim()}`);
			}
			const done = COMPILE_DONE.exec(line);
			if (!done) continue;
			if (firstCompile) {
				firstCompile = false;
				log('  watching nodes/ and credentials/ for changes (npm run dev)');
			} else if (done[1] !== '0') {
				log(`  ${done[1]} compile error(s): n8n keeps the previous build`);
			} else {
				installBuild(n8n, log);
				log(`  built in ${((Date.now() - changedAt) / 1000).toFixed(1)}s; n8n reloads it and the open editor fetches it`);
			}
		}
	});
	tsc.stderr!.on('data', (chunk) => log(`  tsc: ${String(chunk).trim()}`));
	return n8n.serverExited!;
}
