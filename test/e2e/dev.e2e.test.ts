/**
 * `npm run dev` (scripts/start.ts --watch): started in a temporary copy of the repository, it
 * serves the package in a real n8n; a description string edited in the copy's source reaches
 * n8n's node types without anything else being run. The seconds it took are printed, not
 * asserted (speed is measured, never asserted); closing its terminal stops everything it started.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { N8nRestClient, NODE_TYPE, REPO_ROOT, ensureN8n, freePort, groupAlive, killGroup, versionsFromEnv } from '../../scripts/lib/n8n';

const VERSIONS = versionsFromEnv('N8N_E2E_VERSIONS');
/** What `npm run dev` needs of the repository; node_modules is linked, not copied. */
const COPIED = ['package.json', '.npmrc', 'tsconfig.json', 'tsconfig.build.json', 'gulpfile.js', 'nodes', 'credentials', 'scripts', 'sandbox', 'examples'];
const NODE_SOURCE = path.join('nodes', 'OemIntegration', 'OemIntegration.node.ts');
const READY = /watching nodes\/ and credentials\/ for changes/;
const BOOT_TIMEOUT_MS = 8 * 60_000;
const CHANGE_TIMEOUT_MS = 90_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** pids (not zombies) whose working directory is inside `dir`: tsc --watch runs in the copy, n8n in its user folder */
function processesIn(dir: string): Array<{ pid: number; cmd: string }> {
	const found: Array<{ pid: number; cmd: string }> = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
			if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
			if (/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'))) continue;
			const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').replace(dir, '<copy>');
			found.push({ pid: Number(entry), cmd: cmd.replace(/\S*\/(?=(n8n|tsc|ts-node)\b)/g, '') });
		} catch {
			/* gone */
		}
	}
	return found;
}

function copyRepository(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-dev-loop-'));
	for (const entry of COPIED) fs.cpSync(path.join(REPO_ROOT, entry), path.join(dir, entry), { recursive: true });
	fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
	return dir;
}

async function actionNodeDescription(url: string): Promise<string | undefined> {
	try {
		const rest = new N8nRestClient(url);
		await rest.login();
		const res = await rest.request('GET', '/types/nodes.json');
		return (res.body as Array<{ name: string; description: string }>).find((node) => node.name === NODE_TYPE)?.description;
	} catch {
		return undefined;
	}
}

describe.each(VERSIONS)('npm run dev on n8n %s', (version) => {
	let copy: string;
	let devPid: number | undefined;
	let output = '';
	let url: string;

	beforeAll(async () => {
		await ensureN8n(version);
		copy = copyRepository();
		const port = await freePort();
		url = `http://127.0.0.1:${port}`;
		const dev = spawn(
			process.execPath,
			[require.resolve('ts-node/dist/bin.js'), '--transpile-only', 'scripts/start.ts', '--watch', '--n8n-version', version,
				'--user-folder', path.join(copy, 'n8n'), '--port', String(port), '--sandbox-port', '0'],
			{ cwd: copy, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
		);
		devPid = dev.pid;
		dev.stdout!.on('data', (chunk) => (output += String(chunk)));
		dev.stderr!.on('data', (chunk) => (output += String(chunk)));
		const deadline = Date.now() + BOOT_TIMEOUT_MS;
		while (!READY.test(output)) {
			if (dev.exitCode !== null || Date.now() > deadline) throw new Error(`npm run dev did not get ready:\n${output.slice(-3000)}`);
			await sleep(500);
		}
	}, BOOT_TIMEOUT_MS + 60_000);

	afterAll(async () => {
		if (devPid) {
			// Ctrl-C: start.ts stops n8n (its own process group) and the sandbox, and tsc with it
			killGroup(devPid, 'SIGINT');
			for (let i = 0; i < 60 && groupAlive(devPid); i++) await sleep(500);
			if (groupAlive(devPid)) killGroup(devPid, 'SIGKILL');
		}
		if (copy) for (const { pid } of processesIn(copy)) process.kill(pid, 'SIGKILL');
		if (copy) fs.rmSync(copy, { recursive: true, force: true });
	}, 60_000);

	test('an edited description reaches n8n’s node types', async () => {
		const before = await actionNodeDescription(url);
		expect(before).toMatch(/^Manage MSPCentric OEM/);

		const marker = `edited ${Date.now()}`;
		const file = path.join(copy, NODE_SOURCE);
		const source = fs.readFileSync(file, 'utf8');
		expect(source).toContain(before);
		const edited = Date.now();
		fs.writeFileSync(file, source.replace(before!, `${before} (${marker})`));

		let description: string | undefined;
		while (!description?.includes(marker)) {
			if (Date.now() - edited > CHANGE_TIMEOUT_MS) throw new Error(`the edit did not reach n8n:\n${output.slice(-3000)}`);
			await sleep(250);
			description = await actionNodeDescription(url);
		}
		// eslint-disable-next-line no-console
		console.log(`n8n ${version}: node types show the edit ${((Date.now() - edited) / 1000).toFixed(1)} s after it`);
		expect(description).toBe(`${before} (${marker})`);
		expect(output).toMatch(/source changed: rebuilding/);
	}, CHANGE_TIMEOUT_MS + 30_000);

	test('closing the terminal (SIGHUP) stops n8n and tsc --watch', async () => {
		expect(processesIn(copy).filter((p) => p.pid !== devPid).length).toBeGreaterThanOrEqual(2); // n8n and tsc --watch
		// the terminal hangs up its foreground group: the dev script's, not n8n's or tsc's own groups
		killGroup(devPid!, 'SIGHUP');
		for (let i = 0; i < 40 && groupAlive(devPid!); i++) await sleep(250);
		await sleep(5000);
		expect(processesIn(copy)).toEqual([]);
	}, 120_000);
});
