import tsParser from '@typescript-eslint/parser';

import { scannerRules } from './scripts/lib/scanner-rules.mjs';

// n8n's community-node rules, exactly the package scanner's set (scripts/lib/scanner-rules.mjs),
// on the package's source: nodes/, credentials/ and package.json.
const SOURCE = ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'];

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'sandbox/**', 'bench/**', 'scripts/**', '*.js', '*.mjs'] },
	{
		files: SOURCE,
		languageOptions: {
			parser: tsParser,
			parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
		},
	},
	...scannerRules({
		all: SOURCE,
		packageJson: ['package.json'],
		credentials: ['credentials/**/*.ts'],
		nodes: ['nodes/**/*.ts'],
	}),
];
