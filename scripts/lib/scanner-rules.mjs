/**
 * The rule set of n8n's community package scanner (buildScanConfig in
 * @n8n/scan-community-package 0.32.0): the community-nodes plugin's recommended rules, no
 * console, and eslint-plugin-n8n-nodes-base's community, credentials and nodes sets, each on the
 * files it is meant for. The one definition for both `npm run lint` (eslint.config.mjs) and
 * `npm run test:package` (scripts/check-package.ts).
 *
 * The rules are the same for both; only where the files are differs, so the caller names them:
 * `npm run lint` checks the repository's nodes/, credentials/ and package.json, test:package
 * also the compiled JavaScript of the unpacked tarball, as the scanner does (`all` left out:
 * every file linted).
 */
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

const legacy = (name) => n8nNodesBase.configs[name].rules;

/**
 * @param {{ all?: string[], packageJson: string[], credentials: string[], nodes: string[] }} files
 * @returns {import('eslint').Linter.Config[]}
 */
export function scannerRules(files) {
	const on = (globs, block) => (globs ? { files: globs, ...block } : block);
	return [
		on(files.all, n8nCommunityNodesPlugin.configs.recommended),
		on(files.all, { rules: { 'no-console': 'error' } }),
		on(files.all, { plugins: { 'n8n-nodes-base': n8nNodesBase } }),
		{ files: files.packageJson, rules: legacy('community') },
		{
			files: files.credentials,
			rules: {
				...legacy('credentials'),
				// Main-repository rule (its own docs say so): it wants a camelCase slug, while the
				// community rule credential-documentation-url wants the full URL a community package needs.
				'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
				// The community rule credential-password-field checks password fields instead.
				'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
			},
		},
		{
			files: files.nodes,
			rules: {
				...legacy('nodes'),
				// These want the literal 'main', while the scanner's node-connection-type-literal wants
				// NodeConnectionTypes.Main; the scanner's rule is the one n8n verifies packages with.
				'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
				'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
				// Off in the scanner.
				'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
			},
		},
	];
}
