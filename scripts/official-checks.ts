/**
 * n8n's own checks for community packages, run from the cache folder (scripts/lib/n8n/install.ts
 * ensureOfficialTools). Exits non-zero on any finding.
 *
 *   official-checks.ts lint [--dir <package root>]
 *     `n8n-node lint` (@n8n/node-cli) over a copy of the package's sources (nodes/, credentials/,
 *     package.json, tsconfig.json) with the CLI's default eslint.config.mjs: the config its strict
 *     mode (package.json n8n.strict) insists on, so nothing of ours softens its rules.
 *   official-checks.ts scan [--source <dir>] [--registry <url>] [<package spec>]
 *     @n8n/scan-community-package on the package as published: the scanner's own download step
 *     (`npm pack <spec>`, so a name@version comes from the registry npm is pointed at and a .tgz
 *     path works too) and its two lint legs, the tarball's JavaScript and package.json, and the
 *     source (`--source`, default this repository: the commit provenance would point at). Without a
 *     spec the built package is published (`npm publish`) to a local verdaccio first
 *     (scripts/lib/registry) and scanned from there by name and version.
 *     The scanner's CLI itself cannot be used here: it reads package metadata and provenance
 *     attestations from the public registry by a fixed address, requires an npm provenance
 *     statement (only GitHub's OIDC can sign one) and downloads the attested source from GitHub,
 *     and it exits 0 even when a package fails. So we call its exported analyzePackage and
 *     SOURCE_FILE_PATTERNS, exactly as its analyzePackageByName does after those steps.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { cleanEnv, ensureOfficialTools, npmCli, REPO_ROOT, type OfficialTools } from './lib/n8n';

/** What n8n-node lint and the scanner's source leg read from a package root. */
const SOURCE_ENTRIES = ['nodes', 'credentials', 'package.json', 'tsconfig.json'];

/**
 * The environment for n8n's tools: the machine's npm settings, not ours, and no NODE_ENV:
 * eslint-plugin-n8n-nodes-base lints test file names instead of the real ones under NODE_ENV=test
 * (which jest sets).
 */
function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const { NODE_ENV: _testMode, ...env } = cleanEnv(extra);
	return env;
}

function log(msg: string): void {
	process.stderr.write(`[official-checks] ${msg}\n`);
}

/** Runs `command` and prints its output with `from` (a temp folder) shown as `to`. Returns the exit code. */
function runShowing(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; from: string; to: string }): number {
	const res = spawnSync(process.execPath, args, {
		cwd: opts.cwd,
		env: opts.env,
		encoding: 'utf8',
		timeout: 10 * 60_000,
		maxBuffer: 64 * 1024 * 1024,
	});
	const show = (text: string) => text.split(opts.from).join(opts.to);
	process.stdout.write(show(res.stdout ?? ''));
	process.stderr.write(show(res.stderr ?? ''));
	if (res.status === null) throw new Error(`${args[0]} did not finish (${res.error?.message ?? res.signal})`);
	return res.status;
}

async function lint(tools: OfficialTools, packageRoot: string): Promise<number> {
	const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-node-lint-'));
	try {
		for (const entry of SOURCE_ENTRIES) {
			const from = path.join(packageRoot, entry);
			if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, entry), { recursive: true });
		}
		const template = path.join(tools.nodeModules, '@n8n/node-cli/dist/template/templates/shared/default/eslint.config.mjs');
		fs.copyFileSync(template, path.join(stage, 'eslint.config.mjs'));
		// The CLI runs `npm exec -- eslint`, which must find the tools' eslint, not fetch one.
		fs.symlinkSync(tools.nodeModules, path.join(stage, 'node_modules'), 'junction');
		log(`n8n-node lint over ${packageRoot} (a copy in ${stage})`);
		return runShowing([tools.n8nNodeBin, 'lint'], {
			cwd: stage,
			env: toolEnv({ PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}` }),
			from: stage,
			to: packageRoot,
		});
	} finally {
		fs.rmSync(stage, { recursive: true, force: true });
	}
}

/** The scanner's legs on an unpacked package and a source folder; prints its report. */
const SCAN_RUNNER = `
import { pathToFileURL } from 'node:url';
const [scanner, packageDir, sourceDir] = process.argv.slice(1);
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(pathToFileURL(scanner).href);
let failed = false;
for (const [label, dir, patterns] of [
	['source', sourceDir, SOURCE_FILE_PATTERNS],
	['published package', packageDir, ['**/*.js', 'package.json']],
]) {
	const result = await analyzePackage(dir, patterns);
	console.log((result.passed ? 'passed: ' : 'FAILED: ') + label + (result.message ? ' (' + result.message + ')' : ''));
	if (result.details) console.log(result.details);
	failed ||= !result.passed;
}
process.exit(failed ? 1 : 0);
`;

async function scan(tools: OfficialTools, spec: string, sourceDir: string, npmEnv: NodeJS.ProcessEnv): Promise<number> {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-scan-'));
	try {
		const packed = spawnSync(process.execPath, [npmCli(), '-q', 'pack', spec], {
			cwd: work,
			// its own cache: a throw-away registry's documents do not belong in the user's
			env: { ...npmEnv, npm_config_cache: path.join(work, 'npm-cache') },
			encoding: 'utf8',
			timeout: 120_000,
		});
		const tarball = fs.readdirSync(work).find((file) => file.endsWith('.tgz'));
		if (packed.status !== 0 || !tarball) throw new Error(`npm pack ${spec} failed: ${packed.stderr}`);
		const packageDir = path.join(work, 'package');
		fs.mkdirSync(packageDir);
		const tar = spawnSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1'], { cwd: work, encoding: 'utf8' });
		if (tar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${tar.stderr}`);
		log(`@n8n/scan-community-package on ${spec} (${tarball}) and the source in ${sourceDir}`);
		// TMPDIR: the scanner makes a temp folder when it is loaded; keep it in ours.
		return runShowing(['--input-type=module', '-e', SCAN_RUNNER, tools.scannerModule, packageDir, sourceDir], {
			cwd: work,
			env: toolEnv({ TMPDIR: work }),
			from: packageDir,
			to: spec,
		});
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Without a spec: the built package, published to a local registry with `npm publish`. */
async function scanPublished(tools: OfficialTools, sourceDir: string): Promise<number> {
	const { publishPackage, startLocalRegistry } = await import('./lib/registry');
	const registry = await startLocalRegistry({ uplink: false });
	// Ctrl-C or a closed terminal: stop verdaccio and remove its folder (it holds a publishing token).
	const stopAndExit = () => void registry.stop().finally(() => process.exit(130));
	for (const signal of STOP_SIGNALS) process.once(signal, stopAndExit);
	try {
		const published = await publishPackage(registry);
		return await scan(tools, `${published.name}@${published.version}`, sourceDir, toolEnv({ npm_config_registry: registry.url }));
	} finally {
		for (const signal of STOP_SIGNALS) process.off(signal, stopAndExit);
		await registry.stop();
	}
}

function option(args: string[], name: string): string | undefined {
	const at = args.indexOf(name);
	if (at < 0) return undefined;
	const [, value] = args.splice(at, 2);
	if (!value) throw new Error(`${name} needs a value`);
	return value;
}

async function main(): Promise<number> {
	const [command, ...args] = process.argv.slice(2);
	const tools = await ensureOfficialTools();
	if (command === 'lint') return lint(tools, path.resolve(option(args, '--dir') ?? REPO_ROOT));
	if (command === 'scan') {
		const source = path.resolve(option(args, '--source') ?? REPO_ROOT);
		const registry = option(args, '--registry');
		if (!args[0]) return scanPublished(tools, source);
		const spec = fs.existsSync(args[0]) ? path.resolve(args[0]) : args[0];
		return scan(tools, spec, source, toolEnv(registry ? { npm_config_registry: registry } : {}));
	}
	throw new Error(
		'usage: official-checks.ts lint [--dir <package root>] | scan [--source <dir>] [--registry <url>] [<package spec>]',
	);
}

main().then(
	(code) => {
		if (code !== 0) log('FAILED: see the findings above');
		process.exit(code);
	},
	(error) => {
		log(`failed to run: ${(error as Error).message}`);
		process.exit(1);
	},
);
