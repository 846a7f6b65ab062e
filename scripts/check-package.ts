/**
 * npm run test:package — checks the package exactly as npm would publish it.
 *
 * Packs the built package (run `npm run build` first) into a temporary folder, unpacks it and:
 *  - lints it with the rule set of n8n's community package scanner (@n8n/scan-community-package
 *    0.32.0, reproduced in scripts/lib/scanner-rules.mjs with our own eslint and plugins): the
 *    tarball's compiled JS and package.json, and, like the scanner's second leg on the provenance-attested source, the
 *    repository's nodes/, credentials/ and package.json. The scanner disables inline
 *    eslint-disable comments, so we do too;
 *  - checks the tarball holds only dist/ (nodes and credentials), README.md, LICENSE and
 *    package.json, that source maps only refer to relative paths, that there are no runtime
 *    dependencies and that every file in the package.json `n8n` section is in it;
 *  - requires the node and the credential from the unpacked folder, where only n8n-workflow and
 *    the modules n8n provides to community nodes can be resolved, and checks their names, the
 *    AI tool flag, the icons beside the compiled files and the codex file beside the node.
 *
 * Exits non-zero with the list of problems.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { ESLint, Linter } from 'eslint';

import { CREDENTIAL_TYPE } from '../credentials/MspcOemApi.credentials';

const ROOT = path.resolve(__dirname, '..');
/** The nodes the package must hold, by name: the action node is an AI tool, the trigger polls. */
const NODES: Record<string, { tool?: boolean; polling?: boolean }> = {
	oemIntegration: { tool: true },
	mspcOemTrigger: { polling: true },
};
const CREDENTIAL_NAME = CREDENTIAL_TYPE;
// Modules n8n lets community nodes import without declaring them (the community rule
// no-restricted-imports); they are made resolvable in the unpacked folder, nothing else is.
const PROVIDED_MODULES = ['n8n-workflow', 'lodash', 'moment', 'p-limit', 'luxon', 'zod'];

const problems: string[] = [];
const problem = (text: string) => problems.push(text);

function walk(dir: string, base = dir): string[] {
	if (!fs.existsSync(dir)) return [];
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(full, base);
		return [path.relative(base, full).split(path.sep).join('/')];
	});
}

// The community rules plugin is an ES module: a native import() (which TypeScript would otherwise
// compile to require()) loads it on every Node 20, not only where require() of ES modules works.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<any>;

/** The scanner's flat config: its rule set (scripts/lib/scanner-rules.mjs) and its parsers. */
async function scanConfig(): Promise<Linter.Config[]> {
	const { scannerRules } = await importModule(pathToFileURL(path.join(__dirname, 'lib', 'scanner-rules.mjs')).href);
	const parser = require('@typescript-eslint/parser') as Linter.Parser;
	return [
		...(scannerRules({
			packageJson: ['package.json'],
			credentials: ['**/credentials/**/*.ts'],
			nodes: ['**/nodes/**/*.ts'],
		}) as Linter.Config[]),
		{ files: ['**/*.json'], languageOptions: { parser } },
		{ files: ['**/*.ts'], languageOptions: { parser } },
	];
}

async function lint(label: string, cwd: string, files: string[]) {
	const eslint = new ESLint({
		cwd,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanConfig(),
	});
	const results = await eslint.lintFiles(files.map((file) => path.join(cwd, file)));
	const failing = results.filter((result) => result.errorCount > 0);
	console.log(`lint (${label}): ${results.length} files, ${failing.length} with errors`);
	if (failing.length > 0) {
		const formatter = await eslint.loadFormatter('stylish');
		problem(`scanner rules fail on the ${label}:${await formatter.format(failing)}`);
	}
}

function checkContents(dir: string, files: string[], pkg: Record<string, any>) {
	const allowed = /^(package\.json|README\.md|LICENSE|dist\/(nodes|credentials)\/.+)$/;
	for (const file of files) if (!allowed.test(file)) problem(`unexpected file in the tarball: ${file}`);
	for (const file of ['package.json', 'README.md', 'LICENSE']) {
		if (!files.includes(file)) problem(`missing from the tarball: ${file}`);
	}
	for (const file of files.filter((f) => f.endsWith('.map'))) {
		if (!files.includes(file.slice(0, -4))) problem(`source map without its file: ${file}`);
		const map = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
		const paths = [map.sourceRoot ?? '', ...(map.sources ?? [])].filter(Boolean);
		for (const source of paths) {
			if (path.isAbsolute(source) || /^[a-z]+:/i.test(source)) {
				problem(`source map ${file} refers to an absolute path or URL: ${source}`);
			}
		}
	}
	if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0) {
		problem(`runtime dependencies are not allowed: ${Object.keys(pkg.dependencies).join(', ')}`);
	}
	for (const key of ['bundledDependencies', 'bundleDependencies', 'optionalDependencies', 'overrides']) {
		if (pkg[key]) problem(`package.json has "${key}"`);
	}
	const scripts = Object.keys(pkg.scripts ?? {}).filter((name) =>
		/^(pre|post)?install$|^prepare$/.test(name),
	);
	if (scripts.length > 0) problem(`install-time scripts run on users' machines: ${scripts.join(', ')}`);
	const n8n = pkg.n8n ?? {};
	if (n8n.n8nNodesApiVersion !== 1) problem('package.json n8n.n8nNodesApiVersion is not 1');
	if (!(pkg.keywords ?? []).includes('n8n-community-node-package')) {
		problem('package.json keywords lack n8n-community-node-package');
	}
	for (const section of ['nodes', 'credentials']) {
		const listed: string[] = n8n[section] ?? [];
		if (listed.length === 0) problem(`package.json n8n.${section} is empty`);
		for (const file of listed) {
			if (!files.includes(path.posix.normalize(file))) problem(`n8n.${section} lists ${file}, not in the tarball`);
		}
	}
}

function iconFiles(icon: unknown): string[] {
	if (typeof icon === 'string') return [icon];
	if (icon && typeof icon === 'object') return Object.values(icon).filter((v) => typeof v === 'string');
	return [];
}

function checkIcons(owner: string, file: string, icon: unknown) {
	const icons = iconFiles(icon);
	if (icons.length === 0) problem(`${owner} has no icon`);
	for (const ref of icons) {
		if (!ref.startsWith('file:')) continue;
		const target = path.join(path.dirname(file), ref.slice('file:'.length));
		if (!fs.existsSync(target)) problem(`${owner} icon ${ref} is not beside ${path.basename(file)}`);
	}
}

/** Like n8n's loader: the class named as the file up to its first dot. */
function loadClass(file: string): any {
	const className = path.basename(file).split('.')[0];
	const Class = require(file)[className];
	if (typeof Class !== 'function') throw new Error(`it does not export a class ${className}`);
	return new Class();
}

function checkLoading(dir: string, pkg: Record<string, any>) {
	// Only the modules n8n provides resolve from here, so an undeclared import fails to load.
	const modules = path.join(dir, 'node_modules');
	fs.mkdirSync(modules);
	for (const name of PROVIDED_MODULES) {
		const source = path.join(ROOT, 'node_modules', name);
		if (fs.existsSync(source)) fs.symlinkSync(source, path.join(modules, name), 'junction');
	}

	const found = new Set<string>();
	for (const rel of pkg.n8n?.nodes ?? []) {
		const file = path.join(dir, rel);
		try {
			const node = loadClass(file);
			const description = node.description ?? {};
			const expected = NODES[description.name];
			if (!expected) problem(`${rel}: description.name is ${description.name}, expected one of ${Object.keys(NODES).join(', ')}`);
			else found.add(description.name);
			if (expected?.tool && description.usableAsTool !== true) problem(`${rel}: description.usableAsTool is not true`);
			if (expected?.polling && (description.polling !== true || typeof node.poll !== 'function')) {
				problem(`${rel}: is not a polling trigger (description.polling and a poll method)`);
			}
			const credentials = (description.credentials ?? []).map((c: { name: string }) => c.name);
			if (!credentials.includes(CREDENTIAL_NAME)) problem(`${rel}: does not use the ${CREDENTIAL_NAME} credential`);
			checkIcons(rel, file, description.icon);
			const codex = file.replace(/\.js$/, '.json');
			if (!fs.existsSync(codex)) {
				problem(`${rel}: codex file ${path.basename(codex)} is not beside the node`);
			} else {
				const data = JSON.parse(fs.readFileSync(codex, 'utf8'));
				if (data.node !== `${pkg.name}.${description.name}`) problem(`${path.basename(codex)}: "node" is ${data.node}, expected ${pkg.name}.${description.name}`);
			}
		} catch (error) {
			problem(`${rel} does not load: ${(error as Error).message.split('\n')[0]}`);
		}
	}
	for (const name of Object.keys(NODES)) if (!found.has(name)) problem(`package.json n8n.nodes has no node named ${name}`);
	for (const rel of pkg.n8n?.credentials ?? []) {
		const file = path.join(dir, rel);
		try {
			const credential = loadClass(file);
			if (credential.name !== CREDENTIAL_NAME) problem(`${rel}: name is ${credential.name}, expected ${CREDENTIAL_NAME}`);
			if (!credential.test) problem(`${rel}: has no credential test`);
			checkIcons(rel, file, credential.icon);
		} catch (error) {
			problem(`${rel} does not load: ${(error as Error).message.split('\n')[0]}`);
		}
	}
}

async function main() {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'check-package-'));
	try {
		if (!fs.existsSync(path.join(ROOT, 'dist'))) throw new Error('dist/ is missing: run npm run build first');
		const packed = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' }),
		)[0];
		const dir = path.join(work, 'package');
		execFileSync('tar', ['-xzf', path.join(work, packed.filename), '-C', work]);
		const files = walk(dir).sort();
		console.log(`packed ${packed.filename}: ${files.length} files, ${packed.size} bytes`);
		const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));

		checkContents(dir, files, pkg);
		// The scanner's two legs: the tarball's compiled JS and package.json, and the source.
		await lint('tarball', dir, files.filter((f) => f.endsWith('.js') || f === 'package.json'));
		const sources = ['nodes', 'credentials']
			.flatMap((folder) => walk(path.join(ROOT, folder)).map((f) => `${folder}/${f}`))
			.filter((f) => /\.(js|ts|json)$/.test(f))
			.concat('package.json');
		await lint('source', ROOT, sources);
		checkLoading(dir, pkg);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}

	if (problems.length > 0) {
		console.error(`\ntest:package found ${problems.length} problem(s):`);
		for (const text of problems) console.error(`- ${text}`);
		process.exit(1);
	}
	console.log('test:package: the packed package passes');
}

main().catch((error) => {
	console.error(`test:package failed to run: ${(error as Error).stack ?? error}`);
	process.exit(1);
});
