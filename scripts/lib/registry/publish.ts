/**
 * Publishing our package to a LocalRegistry with the release workflow's command
 * (`npm publish --access public`; provenance needs GitHub's OIDC, so it is left out).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { buildPackage, packPackage, PACKAGE_NAME, REPO_ROOT } from '../n8n/package';
import type { LocalRegistry } from './verdaccio';
import { runNpmAsync } from './npm';

export interface PublishedPackage {
	name: string;
	version: string;
	/** the dist.integrity the registry now serves for this version */
	integrity: string;
}

function currentVersion(): string {
	return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
}

/**
 * Builds (once per process) and publishes the package. Without `version`, or with the
 * repository's version: `npm publish` in the repository itself. With another version: from a
 * copy (the files `npm pack` takes, unpacked into the registry's temp folder) whose package.json
 * has that version; the repository's package.json is never touched. RELEASE_MODE is what the
 * release workflow sets to pass the prepublishOnly guard, so this is the release's own `npm publish`.
 */
export async function publishPackage(
	registry: LocalRegistry,
	opts: { version?: string } = {},
): Promise<PublishedPackage> {
	const stage = path.join(registry.dir, `publish-${Date.now()}`);
	fs.mkdirSync(stage, { recursive: true });
	const version = opts.version ?? currentVersion();
	let cwd = REPO_ROOT;
	if (version === currentVersion()) buildPackage();
	else {
		const tarball = packPackage(stage);
		cwd = path.join(stage, 'package');
		fs.mkdirSync(cwd);
		const tar = spawnSync('tar', ['-xzf', tarball, '-C', cwd, '--strip-components=1'], { encoding: 'utf8', timeout: 60_000 });
		if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
		const pkgFile = path.join(cwd, 'package.json');
		const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
		fs.writeFileSync(pkgFile, JSON.stringify({ ...pkg, version }, null, 2));
	}
	await runNpmAsync(['publish', '--access', 'public'], { cwd, env: { ...registry.npmEnv(), RELEASE_MODE: 'true' } });
	const integrity = JSON.parse(
		await runNpmAsync(['view', `${PACKAGE_NAME}@${version}`, 'dist.integrity', '--json'], { cwd: stage, env: registry.npmEnv() }),
	);
	fs.rmSync(stage, { recursive: true, force: true });
	return { name: PACKAGE_NAME, version, integrity };
}
