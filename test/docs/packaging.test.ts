/**
 * Found by the adversarial pass of issue 18 (packaging and release): the trigger rename left no
 * old type behind, and the release workflow keeps its publishing rights away from code it does
 * not need to trust (the token's scope, install scripts beside the OIDC token).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): any };

const ROOT = path.resolve(__dirname, '..', '..');

describe('the trigger rename to mspcOemTrigger', () => {
	it('no file in the repository still names the trigger by its old type oemIntegrationTrigger', () => {
		const files = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
			.split('\n')
			.filter((f) => f && f !== 'test/docs/packaging.test.ts' && !/\.(png|svg)$/.test(f));
		const hits: string[] = [];
		for (const file of files) {
			const full = path.join(ROOT, file);
			if (!fs.existsSync(full)) continue;
			fs.readFileSync(full, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					// the icon files keep their names; the comment and the CHANGELOG line explaining the rename are fine
					const rest = line
						.replace(/file:oemIntegrationTrigger(\.dark)?\.svg/g, '')
						.replace(/not "oemIntegrationTrigger"/, '')
						.replace(/was `oemIntegrationTrigger`/, '');
					if (/oemIntegrationTrigger/.test(rest)) hits.push(`${file}:${i + 1}: ${line.trim()}`);
				});
		}
		expect(hits).toEqual([]);
	});
});

describe('.github/workflows/release.yml', () => {
	const workflow = yaml.load(fs.readFileSync(path.join(ROOT, '.github/workflows/release.yml'), 'utf8'));
	const job = workflow.jobs.publish;
	const steps: Array<{ name?: string; run?: string; uses?: string; env?: Record<string, string> }> = job.steps;

	it('the npm publish token is given only to the steps that publish, not to npm ci, the build and every test', () => {
		const holders = (env: Record<string, string> | undefined) =>
			Object.entries(env ?? {}).filter(([, v]) => /secrets\.NPM_TOKEN/.test(String(v))).map(([k]) => k);
		// a job-level env reaches every step: `npm ci` (devDependencies' install scripts are on now
		// that .npmrc no longer has ignore-scripts), build, lint and all the test code
		expect({ workflowEnv: holders(workflow.env), jobEnv: holders(job.env) }).toEqual({ workflowEnv: [], jobEnv: [] });
		const withToken = steps.filter((s) => holders(s.env).length > 0 || /NPM_TOKEN/.test(JSON.stringify(s.env ?? {})));
		for (const step of withToken) expect(step.run ?? '').not.toMatch(/npm (ci|test|run)/);
	});

	it("devDependencies' install scripts do not run in the job that can mint a publishing OIDC token", () => {
		const permissions = { ...(workflow.permissions ?? {}), ...(job.permissions ?? {}) };
		const install = steps.find((s) => /\bnpm (ci|install)\b(?!\s+-g)/.test(s.run ?? ''));
		expect(install).toBeDefined();
		// id-token: write puts ACTIONS_ID_TOKEN_REQUEST_* in every step's environment; npm exchanges
		// that OIDC token for publish rights (trusted publishing). `npm ci` now runs install scripts
		// (ssh2, cpu-features' node-gyp build, @sentry/* check-build: .npmrc lost ignore-scripts).
		const scriptsOff = /--ignore-scripts/.test(install!.run ?? '');
		expect({ idToken: permissions['id-token'], scriptsOff }).not.toEqual({ idToken: 'write', scriptsOff: false });
	});
});
