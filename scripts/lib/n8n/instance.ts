/**
 * A real n8n: an `N8nInstance` is one n8n install (from the cache, see install.ts) plus an
 * isolated N8N_USER_FOLDER with our package unpacked into `.n8n/nodes/node_modules`, exactly
 * where n8n's community-package installer puts it. Every child process runs in its own process
 * group and is bounded by a timeout. Call dispose() (tests: in afterAll) to stop the server; a
 * plain Node caller also SIGKILLs leftover groups on exit (processes.ts), which jest's sandboxed
 * `process` does not deliver.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureN8n, type N8nInstall } from './install';
import { installPackage, packPackage, type InstalledPackage } from './package';
import { freePort, groupAlive, killGroup, sleep, track, untrack } from './processes';
import { N8nRestClient } from './rest';
import { toRunResult, type RunResult } from './runResult';
import { PRIMARY_N8N_VERSION } from './versions';

/** Test-only key: instances are throw-away (or a local demo), never holding real secrets. */
export const ENCRYPTION_KEY = 'n8n-nodes-mspc-oem-local-test-key';
/** Id of the ready-made sandbox credential that `npm start` imports (examples refer to it). */
export const SANDBOX_CREDENTIAL_ID = 'mspcOemSandbox';
export const SANDBOX_CREDENTIAL_NAME = 'MSPC OEM Sandbox';

const BOOT_TIMEOUT_MS = Number(process.env.N8N_E2E_BOOT_TIMEOUT_MS ?? 180_000);
const CLI_TIMEOUT_MS = Number(process.env.N8N_E2E_CLI_TIMEOUT_MS ?? 180_000);
const STOP_GRACE_MS = 10_000;

/** Picks the run object out of `n8n execute` output (JSON log lines, or a raw JSON block). */
export function parseExecuteOutput(stdout: string): any | undefined {
	for (const line of stdout.split('\n')) {
		const trimmed = line.trim();
		if (!trimmed.startsWith('{')) continue;
		let entry: any;
		try {
			entry = JSON.parse(trimmed);
		} catch {
			continue;
		}
		if (entry?.data?.resultData) return entry;
		const message = typeof entry?.message === 'string' ? entry.message.trim() : '';
		if (message.startsWith('{')) {
			try {
				const run = JSON.parse(message);
				if (run?.data?.resultData) return run;
			} catch {
				/* not the run */
			}
		}
	}
	const start = stdout.search(/^\{\s*$/m);
	if (start >= 0) {
		try {
			const run = JSON.parse(stdout.slice(start, stdout.lastIndexOf('}') + 1));
			if (run?.data?.resultData) return run;
		} catch {
			/* fall through */
		}
	}
	return undefined;
}

// ---------------------------------------------------------------------------------------------
// the instance

export interface CredentialFixture {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface CliResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
}

export interface InstanceOptions {
	version?: string;
	/** persistent folder (npm start); default: a fresh temp dir removed by dispose() */
	userFolder?: string;
	/** tarball of our package; default: build (once per process) + pack; `false`: none */
	tarball?: string | false;
	allowMissingNodes?: boolean;
	logLevel?: 'error' | 'warn' | 'info' | 'debug';
	/** extra environment for every n8n process */
	env?: Record<string, string>;
}

export interface StoredExecution {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	/** the IRunExecutionData */
	data: any;
	/** the workflow as it was run */
	workflowData: any;
}

/**
 * n8n modules that call n8n's own web services at start (2.41: the MCP server registry fetches
 * api.n8n.io). Disabled where the version knows them; naming an unknown module is fatal.
 */
const OUTBOUND_MODULES = ['mcp-registry'];

function offlineModules(install: N8nInstall): Record<string, string> {
	const file = path.join(install.nodeModules, '@n8n', 'backend-common', 'dist', 'modules', 'modules.config.js');
	const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
	const known = OUTBOUND_MODULES.filter((m) => text.includes(`'${m}'`));
	return known.length ? { N8N_DISABLED_MODULES: known.join(',') } : {};
}

export class N8nInstance {
	readonly logFile: string;
	readonly dbFile: string;
	url?: string;
	port?: number;
	rest?: N8nRestClient;
	bootMs?: number;
	/** what n8n logged from `start` until it was ready (package loading happens there) */
	bootLog = '';
	installedPackage?: InstalledPackage;
	private serverPid?: number;
	private serverExit?: Promise<void>;
	/** resolves with the exit code/signal when the server started by start() ends */
	serverExited?: Promise<string>;
	private readonly ownsUserFolder: boolean;

	private constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		ownsUserFolder: boolean,
		private readonly opts: InstanceOptions,
	) {
		this.ownsUserFolder = ownsUserFolder;
		this.logFile = path.join(userFolder, 'n8n.log');
		this.dbFile = path.join(userFolder, '.n8n', 'database.sqlite');
	}

	get tmpDir(): string {
		return path.join(this.userFolder, 'tmp');
	}

	get version(): string {
		return this.install.version;
	}

	/** Ensures the install, makes the user folder and unpacks our package into it. */
	static async create(opts: InstanceOptions = {}): Promise<N8nInstance> {
		const install = await ensureN8n(opts.version ?? PRIMARY_N8N_VERSION);
		const owns = !opts.userFolder;
		const userFolder = opts.userFolder
			? path.resolve(opts.userFolder)
			: fs.mkdtempSync(path.join(os.tmpdir(), `n8n-e2e-${install.version}-`));
		fs.mkdirSync(path.join(userFolder, '.n8n'), { recursive: true });
		fs.mkdirSync(path.join(userFolder, 'tmp'), { recursive: true });
		const inst = new N8nInstance(install, userFolder, owns, opts);
		if (opts.tarball !== false) {
			const packDir = path.join(userFolder, 'pack');
			const tarball = opts.tarball ?? packPackage(packDir);
			inst.installedPackage = installPackage(userFolder, tarball, {
				allowMissingNodes: opts.allowMissingNodes,
			});
			fs.rmSync(packDir, { recursive: true, force: true });
		}
		return inst;
	}

	/** Environment of every n8n process of this instance; nothing inherited from jest or npm. */
	env(port: number, brokerPort: number): NodeJS.ProcessEnv {
		const keep = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'SHELL'];
		const base: NodeJS.ProcessEnv = {};
		for (const k of keep) if (process.env[k] !== undefined) base[k] = process.env[k];
		return {
			...base,
			PATH: `${path.dirname(this.install.nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.userFolder,
			// n8n puts some folders under the temp dir (data-table uploads): keep them in ours
			TMPDIR: this.tmpDir,
			N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_PORT: String(port),
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_DYNAMIC_BANNERS_ENABLED: 'false',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			N8N_LOG_FORMAT: 'json',
			N8N_LOG_LEVEL: this.opts.logLevel ?? 'debug',
			N8N_LOG_OUTPUT: 'console',
			...offlineModules(this.install),
			...this.opts.env,
		};
	}

	private appendLog(text: string): void {
		fs.appendFileSync(this.logFile, text);
	}

	/** Runs `n8n <args>` to completion (own ports, timeout, group kill). Output also goes to the log. */
	async cli(args: string[], timeoutMs = CLI_TIMEOUT_MS): Promise<CliResult> {
		const env = this.env(await freePort(), await freePort());
		const started = Date.now();
		this.appendLog(`\n=== n8n ${args.join(' ')} ===\n`);
		return new Promise((resolve, reject) => {
			const child = spawn(this.install.nodeBinary, [this.install.n8nBin, ...args], {
				cwd: this.userFolder,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			});
			const pid = child.pid!;
			track(pid);
			let stdout = '';
			let stderr = '';
			child.stdout!.on('data', (d) => {
				stdout += d;
				this.appendLog(String(d));
			});
			child.stderr!.on('data', (d) => {
				stderr += d;
				this.appendLog(String(d));
			});
			let timedOut = false;
			const timer = setTimeout(() => {
				timedOut = true;
				killGroup(pid, 'SIGKILL');
			}, timeoutMs);
			child.on('error', (err) => {
				clearTimeout(timer);
				reject(err);
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				killGroup(pid, 'SIGKILL'); // leftovers (task runners)
				untrack(pid);
				if (timedOut) {
					reject(new Error(`n8n ${args[0]} timed out after ${timeoutMs} ms; log: ${this.logFile}`));
					return;
				}
				resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
			});
		});
	}

	private async cliOk(args: string[]): Promise<CliResult> {
		const res = await this.cli(args);
		if (res.code !== 0) {
			throw new Error(`n8n ${args.join(' ')} exited ${res.code}:\n${(res.stdout + res.stderr).slice(-3000)}`);
		}
		return res;
	}

	/** `n8n import:credentials`: plain `data` is encrypted on import; upserts on id. */
	async importCredentials(creds: CredentialFixture[]): Promise<void> {
		const file = path.join(this.userFolder, `import-credentials-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(creds), { mode: 0o600 });
		try {
			await this.cliOk(['import:credentials', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/**
	 * Activates workflows the way each version's CLI does it (2.x: `publish:workflow`, 1.x:
	 * `update:workflow --active=true`); the server activates them (webhooks, schedules) when it starts.
	 */
	async activateWorkflows(ids: string[]): Promise<void> {
		const publish = fs.existsSync(path.join(this.install.nodeModules, 'n8n', 'dist', 'commands', 'publish'));
		for (const id of ids) {
			await this.cliOk(publish ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true']);
		}
	}

	/**
	 * The executions and workflows as stored in n8n's sqlite database, decoded (execution data
	 * is `flatted` JSON). Read with the install's own node and sqlite3 module.
	 */
	readDatabase(): { executions: StoredExecution[]; workflows: Array<{ id: string; name: string; nodes: any; staticData: any }> } {
		const script = `
			const sqlite3 = require('sqlite3');
			const { parse } = require('flatted');
			const db = new sqlite3.Database(process.argv[1], sqlite3.OPEN_READONLY);
			const all = (sql) => new Promise((res, rej) => db.all(sql, (e, rows) => (e ? rej(e) : res(rows))));
			(async () => {
				const executions = await all('SELECT e.id, e.workflowId, e.status, e.mode, d.data, d.workflowData FROM execution_entity e JOIN execution_data d ON d.executionId = e.id ORDER BY e.id');
				const workflows = await all('SELECT id, name, nodes, staticData FROM workflow_entity');
				const json = (t) => (typeof t === 'string' && t ? JSON.parse(t) : t);
				process.stdout.write(JSON.stringify({
					executions: executions.map((r) => ({ id: String(r.id), workflowId: r.workflowId, status: r.status, mode: r.mode, data: parse(r.data), workflowData: json(r.workflowData) })),
					workflows: workflows.map((w) => ({ id: w.id, name: w.name, nodes: json(w.nodes), staticData: json(w.staticData) })),
				}));
				db.close();
			})().catch((e) => { console.error(e); process.exit(1); });`;
		const res = spawnSync(this.install.nodeBinary, ['-e', script, this.dbFile], {
			cwd: this.install.dir,
			env: { PATH: process.env.PATH, NODE_PATH: this.install.nodeModules },
			encoding: 'utf8',
			timeout: 60_000,
			maxBuffer: 256 * 1024 * 1024,
		});
		if (res.status !== 0) throw new Error(`reading the database failed: ${res.stderr || res.error?.message}`);
		return JSON.parse(res.stdout);
	}

	/** `n8n import:workflow` of one or more workflow objects (each with an `id` ≤ 16 chars). */
	async importWorkflows(workflows: object[]): Promise<void> {
		const file = path.join(this.userFolder, `import-workflows-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(workflows));
		try {
			await this.cliOk(['import:workflow', `--input=${file}`]);
		} finally {
			fs.rmSync(file, { force: true });
		}
	}

	/**
	 * `n8n execute --id --rawOutput` (the workflow starts with a Manual Trigger). Resolves with
	 * the run whether the workflow succeeded or failed; rejects only when no run was printed.
	 */
	async execute(workflowId: string): Promise<RunResult & { cli: CliResult }> {
		const cli = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput']);
		const run = parseExecuteOutput(cli.stdout);
		if (!run) {
			throw new Error(
				`n8n execute printed no run (exit ${cli.code}):\n${(cli.stdout + cli.stderr).slice(-3000)}`,
			);
		}
		return { ...toRunResult(run), cli };
	}

	/** `n8n start` on a free loopback port; resolves once the REST API answers. */
	async start(opts: { port?: number; timeoutMs?: number } = {}): Promise<{ url: string; bootMs: number }> {
		// A free port can be taken by another process before n8n binds it (parallel runs): try fresh ones.
		for (let attempt = 1; ; attempt++) {
			try {
				return await this.startOnce(opts);
			} catch (error) {
				const taken = /port \d+ is already in use/.test((error as Error).message);
				if (!taken || opts.port !== undefined || attempt >= 3) throw error;
			}
		}
	}

	private async startOnce(opts: { port?: number; timeoutMs?: number }): Promise<{ url: string; bootMs: number }> {
		if (this.serverPid) throw new Error('already started');
		const port = opts.port ?? (await freePort());
		const env = this.env(port, await freePort());
		const timeoutMs = opts.timeoutMs ?? BOOT_TIMEOUT_MS;
		const started = Date.now();
		this.appendLog(`\n=== n8n start (port ${port}) ===\n`);
		const logOffset = fs.statSync(this.logFile).size;
		const out = fs.openSync(this.logFile, 'a');
		const child = spawn(this.install.nodeBinary, [this.install.n8nBin, 'start'], {
			cwd: this.userFolder,
			env,
			stdio: ['ignore', out, out],
			detached: true,
		});
		fs.closeSync(out);
		const pid = child.pid!;
		track(pid);
		this.serverPid = pid;
		let exited: string | undefined;
		this.serverExited = new Promise((resolve) => {
			child.on('exit', (code, signal) => {
				exited = signal ?? `exit ${code}`;
				resolve(exited);
			});
		});
		this.serverExit = this.serverExited.then(() => undefined);
		const url = `http://127.0.0.1:${port}`;
		const deadline = started + timeoutMs;
		for (;;) {
			if (exited) {
				await this.stop();
				throw new Error(`n8n ${this.version} exited during boot (${exited}):\n${this.logTail()}`);
			}
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`n8n ${this.version} not ready after ${timeoutMs} ms:\n${this.logTail()}`);
			}
			if (await this.ready(url)) break;
			await sleep(250);
		}
		this.bootLog = this.logText().slice(logOffset);
		this.url = url;
		this.port = port;
		this.rest = new N8nRestClient(url);
		this.bootMs = Date.now() - started;
		return { url, bootMs: this.bootMs };
	}

	private async ready(url: string): Promise<boolean> {
		try {
			const health = await fetch(`${url}/healthz/readiness`, { signal: AbortSignal.timeout(2000) });
			if (health.status !== 200) return false;
			const settings = await fetch(`${url}/rest/settings`, { signal: AbortSignal.timeout(2000) });
			return settings.status === 200;
		} catch {
			return false;
		}
	}

	/** SIGTERM to the server's process group, SIGKILL after a grace period. */
	async stop(graceMs = STOP_GRACE_MS): Promise<void> {
		const pid = this.serverPid;
		if (!pid) return;
		killGroup(pid, 'SIGTERM');
		const deadline = Date.now() + graceMs;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([this.serverExit, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
		clearTimeout(timer);
		while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
		if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
		untrack(pid);
		this.serverPid = undefined;
		this.rest = undefined;
		this.url = undefined;
	}

	/** Stops the server and removes a temp user folder (kept when N8N_E2E_KEEP=1). */
	async dispose(): Promise<void> {
		await this.stop();
		if (this.ownsUserFolder && process.env.N8N_E2E_KEEP !== '1') {
			fs.rmSync(this.userFolder, { recursive: true, force: true });
		}
	}

	logText(): string {
		return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
	}

	logTail(lines = 40): string {
		return this.logText().split('\n').slice(-lines).join('\n');
	}

}
