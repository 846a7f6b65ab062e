/**
 * Our package as n8n sees it: built and packed with npm, then unpacked into an n8n user folder
 * the way n8n's community-package installer does it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { npmCli } from './install';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-mspc-oem';
export const NODE_TYPE = `${PACKAGE_NAME}.oemIntegration`;
/** The AI-tool variant n8n derives from `usableAsTool`. */
export const TOOL_NODE_TYPE = `${NODE_TYPE}Tool`;
/** Not `${NODE_TYPE}Trigger`: n8n's node picker would fold the trigger into the action node's entry. */
export const TRIGGER_NODE_TYPE = `${PACKAGE_NAME}.mspcOemTrigger`;
export { CREDENTIAL_TYPE } from '../../../credentials/MspcOemApi.credentials';

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

/** `npm run build`, once per process unless `rebuild`. */
export function buildPackage(opts: { rebuild?: boolean } = {}): void {
	if (built && !opts.rebuild) return;
	runNpm(['run', 'build'], REPO_ROOT);
	built = true;
}

/**
 * `npm run build` (once per process unless `rebuild`), then `npm pack` into `dest`.
 * Returns the tarball path.
 */
export function packPackage(dest: string, opts: { rebuild?: boolean } = {}): string {
	buildPackage(opts);
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
