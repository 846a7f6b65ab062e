/**
 * Installs pinned n8n versions and n8n's community-package tools into the cache folder, once
 * (see scripts/lib/n8n/install.ts).
 *
 *   npm run n8n:install -- [version ...]   # no version: every supported one (versions.ts)
 */
import { ensureN8n, ensureOfficialTools, SUPPORTED_N8N_VERSIONS } from './lib/n8n';

function log(msg: string): void {
	process.stderr.write(`[n8n-install] ${msg}\n`);
}

const versions = process.argv.slice(2).length ? process.argv.slice(2) : [...SUPPORTED_N8N_VERSIONS];
(async () => {
	for (const v of versions) {
		const t = Date.now();
		const inst = await ensureN8n(v);
		log(`n8n@${v} ready in ${inst.dir} (${Math.round((Date.now() - t) / 1000)}s this run)`);
	}
	log(`n8n's community-package tools ready in ${(await ensureOfficialTools()).dir}`);
})().catch((err) => {
	log(String(err instanceof Error ? err.message : err));
	process.exit(1);
});
