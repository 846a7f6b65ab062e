/**
 * `npm run dev`'s loop, like `n8n-node dev`: `tsc --watch` rebuilds dist/ on every source
 * change; after each compile without errors the icons and codex files are copied beside it
 * (`gulp build:icons`), the build replaces the one in n8n's nodes folder, and n8n restarts on
 * the same port, so the editor shows the change after a reload. A restart, not n8n's own hot
 * reload (N8N_DEV_RELOAD), because that one is not in every supported version and reloads
 * community packages from the nodes folder only when nothing is symlinked.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { N8nInstance } from './instance';
import { REPO_ROOT } from './package';
import { track } from './processes';

const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);

/** What tsc --watch prints when a compile ends: `Found 0 errors. Watching for file changes.` */
const COMPILE_DONE = /Found (\d+) errors?\. Watching for file changes/;

/**
 * Rebuilds and restarts n8n on every source change until n8n stops on its own (resolves with
 * how it stopped). `log` receives one line per step.
 */
export function rebuildAndRestartOnChange(n8n: N8nInstance, log: (line: string) => void): Promise<string> {
	const installedDist = path.join(n8n.installedPackage!.dir, 'dist');
	const port = n8n.port!;
	let restarting = false;
	let pending = false;
	let changedAt = 0;

	return new Promise((resolve) => {
		const resolveOnOwnExit = () =>
			void n8n.serverExited!.then((how) => {
				if (!restarting) resolve(how);
			});
		resolveOnOwnExit();

		const restart = async () => {
			if (restarting) {
				pending = true;
				return;
			}
			restarting = true;
			try {
				do {
					pending = false;
					const icons = spawnSync(bin('gulp'), ['build:icons'], { cwd: REPO_ROOT, encoding: 'utf8' });
					if (icons.status !== 0) log(`  copying icons failed: ${icons.stderr || icons.stdout}`);
					fs.rmSync(installedDist, { recursive: true, force: true });
					fs.cpSync(path.join(REPO_ROOT, 'dist'), installedDist, { recursive: true });
					await n8n.stop();
					await n8n.start({ port });
					log(`  n8n restarted with the new build (${((Date.now() - changedAt) / 1000).toFixed(1)}s after the change)`);
				} while (pending);
			} catch (error) {
				log(`  restart failed: ${(error as Error).message}`);
			} finally {
				restarting = false;
				if (n8n.serverExited) resolveOnOwnExit();
			}
		};

		// the first compile repeats the build npm start just made: no restart for it
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
				}
				const done = COMPILE_DONE.exec(line);
				if (!done) {
					if (/error TS\d+/.test(line)) log(`  ${line.trim()}`);
					continue;
				}
				if (firstCompile) {
					firstCompile = false;
					log('  watching nodes/ and credentials/ for changes');
				} else if (done[1] !== '0') {
					log(`  ${done[1]} compile error(s): n8n keeps the previous build`);
				} else {
					void restart();
				}
			}
		});
		tsc.stderr!.on('data', (chunk) => log(`  tsc: ${String(chunk).trim()}`));
	});
}
