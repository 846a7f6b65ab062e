/**
 * npm run test:package — checks the package exactly as npm would publish it, for what n8n's own
 * tools do not check. `npm run lint` (n8n-node lint) and `npm run test:official`
 * (@n8n/scan-community-package) cover the rest: runtime dependencies, overrides, install-time
 * scripts, the package.json n8n section and keywords, usableAsTool, credential tests, and the
 * community rules on the compiled JavaScript.
 *
 * Packs the built package (run `npm run build` first) into a temporary folder, unpacks it and:
 *  - checks the tarball holds only dist/ (nodes and credentials), README.md, LICENSE and
 *    package.json, that source maps only refer to relative paths, that there are no bundled or
 *    optional dependencies and that every file in the package.json `n8n` section is in it;
 *  - requires the node and the credential from the unpacked folder, where only n8n-workflow and
 *    the modules n8n provides to community nodes can be resolved, and checks their names, the
 *    polling trigger, the icons beside the compiled files and the codex file beside the node.
 * The scanner lints files and the CLI lints sources; neither unpacks and loads the package.
 *
 * Exits non-zero with the list of problems.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { CREDENTIAL_TYPE } from '../credentials/MspcOemApi.credentials';

const ROOT = path.resolve(__dirname, '..');
/** The nodes the package must hold, by name: the trigger polls. */
const NODES: Record<string, { polling?: boolean }> = {
	oemIntegration: {},
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
	// The scanner's no-runtime-dependencies rule looks at "dependencies" only.
	for (const key of ['bundledDependencies', 'bundleDependencies', 'optionalDependencies']) {
		if (pkg[key]) problem(`package.json has "${key}"`);
	}
	const n8n = pkg.n8n ?? {};
	// n8n's package.json rules check the n8n section is there, not that its files were packed.
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
