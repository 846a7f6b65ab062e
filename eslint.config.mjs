import tsParser from '@typescript-eslint/parser';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';

// n8n's community-node rules: the package scanner's recommended set, plus the community,
// credentials and nodes sets of eslint-plugin-n8n-nodes-base, each on the files it is meant for.
const legacyRules = (name) => n8nNodesBase.configs[name].rules;

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'sandbox/**', 'bench/**', 'scripts/**', '*.js', '*.mjs'] },
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		languageOptions: {
			parser: tsParser,
			parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
		},
		plugins: { 'n8n-nodes-base': n8nNodesBase },
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodesPlugin.configs.recommended,
	},
	{ files: ['package.json'], rules: legacyRules('community') },
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...legacyRules('credentials'),
			// Main-repository rule (its own docs say so): it wants a camelCase slug, while the
			// community rule credential-documentation-url wants the full URL a community package needs.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...legacyRules('nodes'),
			// These want the literal 'main', while the scanner's node-connection-type-literal wants
			// NodeConnectionTypes.Main; the scanner's rule is the one n8n verifies packages with.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
