/**
 * Real-n8n harness, shared by the end-to-end tests and `npm start`.
 *
 * An `N8nInstance` is one n8n install (from the cache, see scripts/n8n-install.ts) plus an
 * isolated N8N_USER_FOLDER with our package unpacked into `.n8n/nodes/node_modules`, exactly
 * where n8n's community-package installer puts it. Every child process runs in its own process
 * group and is bounded by a timeout. Call dispose() (tests: in afterAll) to stop the server; a
 * plain Node caller also SIGKILLs leftover groups on exit, which jest's sandboxed `process` does
 * not deliver.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureN8n, npmCli, PRIMARY_N8N_VERSION, type N8nInstall } from '../../scripts/n8n-install';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-mspc-oem';
export const NODE_TYPE = `${PACKAGE_NAME}.oemIntegration`;
/** The AI-tool variant n8n derives from `usableAsTool`. */
export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;
export const CREDENTIAL_TYPE = 'mspcOemApi';
/** Test-only key: instances are throw-away (or a local demo), never holding real secrets. */
export const ENCRYPTION_KEY = 'n8n-nodes-mspc-oem-local-test-key';
/** Id of the ready-made sandbox credential that `npm start` imports (examples refer to it). */
export const SANDBOX_CREDENTIAL_ID = 'mspcOemSandbox';
export const SANDBOX_CREDENTIAL_NAME = 'MSPC OEM Sandbox';
export const DEMO_OWNER = {
	email: 'demo@example.com',
	password: 'Demo-Passw0rd',
	firstName: 'Demo',
	lastName: 'Owner',
};

const BOOT_TIMEOUT_MS = Number(process.env.N8N_E2E_BOOT_TIMEOUT_MS ?? 180_000);
const CLI_TIMEOUT_MS = Number(process.env.N8N_E2E_CLI_TIMEOUT_MS ?? 180_000);
const STOP_GRACE_MS = 10_000;
const HTTP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------------------------------------
// process bookkeeping: every group we start is SIGKILLed if this (non-jest) process exits first

const liveGroups = new Set<number>();
let exitHookInstalled = false;

function track(pid: number): void {
	liveGroups.add(pid);
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const group of liveGroups) killGroup(group, 'SIGKILL');
	});
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		/* already gone */
	}
}

function groupAlive(pid: number): boolean {
	try {
		process.kill(-pid, 0);
		return true;
	} catch {
		return false;
	}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether 127.0.0.1:port can be bound right now. */
export async function portAvailable(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

// ---------------------------------------------------------------------------------------------
// our package: build, pack, unpack like n8n's community-package installer

function runNpm(args: string[], cwd: string, timeoutMs = 300_000): string {
	const res = spawnSync(process.execPath, [npmCli(), ...args], {
		cwd,
		encoding: 'utf8',
		timeout: timeoutMs,
		killSignal: 'SIGKILL',
		maxBuffer: 64 * 1024 * 1024,
	});
	if (res.status !== 0) {
		throw new Error(
			`npm ${args.join(' ')} failed (${res.error?.message ?? `exit ${res.status}`}):\n${res.stdout}\n${res.stderr}`,
		);
	}
	return res.stdout;
}

let built = false;

/**
 * `npm run build` (once per process unless `rebuild`), then `npm pack` into `dest`.
 * Returns the tarball path.
 */
export function packPackage(dest: string, opts: { rebuild?: boolean } = {}): string {
	if (!built || opts.rebuild) {
		runNpm(['run', 'build'], REPO_ROOT);
		built = true;
	}
	fs.mkdirSync(dest, { recursive: true });
	const out = runNpm(['pack', '--json', '--pack-destination', dest], REPO_ROOT);
	const [info] = JSON.parse(out.slice(out.indexOf('['))) as Array<{ filename: string }>;
	return path.join(dest, info.filename);
}

export interface InstalledPackage {
	dir: string;
	/** `n8n.nodes` / `n8n.credentials` entries dropped because their file is not in the tarball */
	dropped: string[];
}

/**
 * Unpacks the tarball into `<userFolder>/.n8n/nodes/node_modules/<name>` as n8n 2.x's installer
 * does (`tar -xzf --strip-components=1`, then devDependencies/peerDependencies removed from its
 * package.json). `n8n-workflow` is then resolved from n8n's own copy: n8n puts its module paths
 * into NODE_PATH before loading packages. With `allowMissingNodes`, entries of the `n8n`
 * section whose file is missing are dropped (in this copy only) instead of failing.
 */
export function installPackage(
	userFolder: string,
	tarball: string,
	opts: { allowMissingNodes?: boolean } = {},
): InstalledPackage {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const dir = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const tar = spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], {
		encoding: 'utf8',
		timeout: 60_000,
	});
	if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);

	const pkgFile = path.join(dir, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(
		fs.readFileSync(pkgFile, 'utf8'),
	);
	void devDependencies;
	void optionalDependencies;
	if (pkg.dependencies && Object.keys(pkg.dependencies).length) {
		throw new Error(
			`the package has runtime dependencies (${Object.keys(pkg.dependencies)}); n8n would npm-install them`,
		);
	}
	if (!peerDependencies?.['n8n-workflow']) throw new Error('n8n-workflow should be a peer dependency');
	const dropped: string[] = [];
	for (const key of ['nodes', 'credentials'] as const) {
		const entries: string[] = pkg.n8n?.[key] ?? [];
		const missing = entries.filter((f) => !fs.existsSync(path.join(dir, f)));
		if (missing.length && !opts.allowMissingNodes) {
			throw new Error(`the packed package lacks files listed in n8n.${key}: ${missing.join(', ')}`);
		}
		dropped.push(...missing);
		if (pkg.n8n) pkg.n8n[key] = entries.filter((f) => !missing.includes(f));
	}
	fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: pkg.version } },
			null,
			2,
		),
	);
	if (fs.existsSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'))) {
		throw new Error('a second n8n-workflow sits in the nodes folder; n8n must use its own');
	}
	return { dir, dropped };
}

// ---------------------------------------------------------------------------------------------
// run data

export interface RunResult {
	/** the IRun object n8n printed (status, data.resultData...) */
	run: any;
	status: string;
	error?: any;
	lastNodeExecuted?: string;
	runData: Record<string, any[]>;
}

function toRunResult(run: any): RunResult {
	const resultData = run?.data?.resultData ?? {};
	return {
		run,
		status: run?.status ?? (resultData.error ? 'error' : 'success'),
		error: resultData.error,
		lastNodeExecuted: resultData.lastNodeExecuted,
		runData: resultData.runData ?? {},
	};
}

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
// REST client (cookie login), the same calls n8n's editor makes

export class N8nRestClient {
	private cookie = '';
	/** n8n binds the auth cookie to this header when present; send one consistently */
	private readonly browserId = 'mspc-oem-e2e-browser';

	constructor(readonly baseUrl: string) {}

	async request<T = any>(
		method: string,
		urlPath: string,
		body?: unknown,
	): Promise<{ status: number; body: T; text: string }> {
		const res = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) {
			const pair = c.split(';')[0];
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await res.text();
		let parsed: any = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: res.status, body: parsed, text };
	}

	private async ok<T = any>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const res = await this.request(method, urlPath, body);
		if (res.status < 200 || res.status >= 300) {
			throw new Error(`${method} ${urlPath} → ${res.status}: ${res.text.slice(0, 500)}`);
		}
		return (res.body?.data ?? res.body) as T;
	}

	/** First start: creates the owner (and logs in). Later starts: logs in. */
	async ensureOwner(owner = DEMO_OWNER): Promise<void> {
		const settings = await this.ok('GET', '/rest/settings');
		const needsSetup = settings?.userManagement?.showSetupOnFirstLoad;
		if (needsSetup !== false) {
			const res = await this.request('POST', '/rest/owner/setup', owner);
			if (res.status === 200) return;
			if (needsSetup === true) throw new Error(`owner setup failed: ${res.status} ${res.text}`);
		}
		await this.login(owner);
	}

	async login(owner = DEMO_OWNER): Promise<void> {
		// 2.x reads emailOrLdapLoginId, older 1.x `email`; unknown keys are ignored.
		await this.ok('POST', '/rest/login', {
			email: owner.email,
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
	}

	async listCredentials(): Promise<Array<{ id: string; name: string; type: string }>> {
		return this.ok('GET', '/rest/credentials');
	}

	async listWorkflows(): Promise<Array<{ id: string; name: string }>> {
		return this.ok('GET', '/rest/workflows');
	}

	/** The editor's "Test" button: n8n runs the credential type's `test` request. */
	async testCredential(cred: {
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: 'OK' | 'Error'; message: string }> {
		return this.ok('POST', '/rest/credentials/test', { credentials: cred });
	}

	/**
	 * The editor's manual run (`POST /rest/workflows/:id/run`), e.g. "Execute step" on a node:
	 * `destinationNode` names it; for a tool, `agentRequest` carries the `$fromAI()` values.
	 * Returns the execution id.
	 */
	async runManually(
		workflow: { id: string } & Record<string, unknown>,
		payload: { destinationNode: string; agentRequest?: { query: unknown; tool?: { name: string } } },
	): Promise<string> {
		const result = await this.ok<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${workflow.id}/run`,
			{
				workflowData: workflow,
				destinationNode: { nodeName: payload.destinationNode, mode: 'inclusive' },
				agentRequest: payload.agentRequest,
			},
		);
		if (!result.executionId) throw new Error(`no execution started: ${JSON.stringify(result)}`);
		return String(result.executionId);
	}

	/** Polls an execution until it has stopped; returns its status. */
	async waitForExecution(id: string, timeoutMs = 60_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const res = await this.request('GET', `/rest/executions/${id}`);
			const execution = res.body?.data ?? res.body;
			if (res.status === 200 && execution?.stoppedAt && execution.status !== 'running') return execution.status;
			if (Date.now() > deadline) throw new Error(`execution ${id} still running after ${timeoutMs} ms`);
			await sleep(200);
		}
	}

	async getNodeTypes(): Promise<string[]> {
		const res = await this.request('GET', '/types/nodes.json');
		if (res.status !== 200) throw new Error(`GET /types/nodes.json → ${res.status}`);
		return (res.body as Array<{ name: string }>).map((n) => n.name);
	}

	async getCredentialTypes(): Promise<string[]> {
		const res = await this.request('GET', '/types/credentials.json');
		if (res.status !== 200) throw new Error(`GET /types/credentials.json → ${res.status}`);
		return (res.body as Array<{ name: string }>).map((c) => c.name);
	}
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

export interface ScanSource {
	name: string;
	text: string;
}

export interface SecretHit {
	secret: string;
	source: string;
	/** up to 60 characters either side, the secret itself masked */
	context: string;
}

/** Finds each secret (raw or JSON-escaped) in each source; returns every hit. */
export function scanForSecrets(secrets: Array<string | undefined>, sources: ScanSource[]): SecretHit[] {
	const hits: SecretHit[] = [];
	const wanted = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
	for (const secret of wanted) {
		const escaped = JSON.stringify(secret).slice(1, -1);
		// sources read from binary files are latin1 strings: match the UTF-8 bytes too
		const forms = new Set([secret, escaped, Buffer.from(secret, 'utf8').toString('latin1')]);
		for (const src of sources) {
			for (const form of forms) {
				let from = 0;
				for (;;) {
					const at = src.text.indexOf(form, from);
					if (at < 0) break;
					const context = src.text
						.slice(Math.max(0, at - 60), at + form.length + 60)
						.split(form)
						.join('<SECRET>');
					hits.push({ secret: `${secret.slice(0, 3)}…(${secret.length})`, source: src.name, context });
					from = at + form.length;
				}
			}
		}
	}
	return hits;
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
		for (const [label, secret] of Object.entries(secrets)) if (text.includes(secret)) out.push({ path: where, secret: label });
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
				liveGroups.delete(pid);
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
		liveGroups.delete(pid);
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

	/**
	 * Everything n8n wrote: the captured log and every file of the user folder (the sqlite
	 * database with its WAL holds the executions), except our unpacked package and n8n's copy
	 * of its static editor assets.
	 */
	scanSources(extra: ScanSource[] = []): ScanSource[] {
		const skip = new Set([
			path.join(this.userFolder, '.n8n', 'nodes'),
			path.join(this.userFolder, '.cache', 'n8n', 'public'),
		]);
		const files = listFiles(this.userFolder, (p) => skip.has(p));
		return [
			...files.map((f) => ({
				name: path.relative(this.userFolder, f),
				text: fs.readFileSync(f).toString('latin1'),
			})),
			...extra,
		];
	}

	/** Hits of any secret in the log, the database/user folder and the extra sources. */
	scan(secrets: Array<string | undefined>, extra: ScanSource[] = []): SecretHit[] {
		return scanForSecrets(secrets, this.scanSources(extra));
	}
}
