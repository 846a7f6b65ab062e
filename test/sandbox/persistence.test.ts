import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { DEMO_ORGANIZATION_TOKEN, loadSeedFile, SeedError, startSandbox, validateSeed, type RunningSandbox } from '../../sandbox';
import { API, call, creds } from './httpClient';

let dir: string;
let stateFile: string;
const running: RunningSandbox[] = [];

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oem-sandbox-'));
	stateFile = path.join(dir, 'state.json');
});
afterEach(async () => {
	jest.restoreAllMocks();
	await Promise.all(running.splice(0).map((s) => s.stop()));
	fs.rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startSandbox>[0] = {}) {
	const s = await startSandbox({ stateFile, ...options });
	running.push(s);
	return s;
}

const ODD = `{"api key":"k","__proto__":"p","constructor":"c","ключ":"v"}`;

describe('state file', () => {
	it('survives a restart: organizations, tokens, users, integrations with odd keys', async () => {
		const a = await start();
		const org = await call(a, 'POST', `${API}/organization`, { ...creds(a), data: { name: 'Persist MSP', email: 'p@persist.example' } });
		const token = org.json.organizationOemToken as string;
		const head = JSON.stringify({ ...creds(a), organizationOemToken: token }).slice(1, -1);
		const created = await call(a, 'POST', `${API}/integration`, `{${head},"data":{"vendorId":"43211235","integrationCredentials":${ODD}}}`);
		expect(created.status).toBe(201);
		await call(a, 'POST', `${API}/user`, { ...creds(a), data: { email: 'second@persist.example' } });
		const before = a.state();
		await a.stop();

		const b = await start();
		expect(b.state()).toEqual(before);
		const list = await call(b, 'POST', `${API}/integration/list`, { ...creds(b), organizationOemToken: token });
		expect(list.json.integrations).toEqual([
			{ id: created.json.integration.id, vendorId: '43211235', integrationCredentialTemplate: [JSON.parse(`{"api key":"","__proto__":"","constructor":"","ключ":""}`)] },
		]);
		const stored = b.state().integrations.find((i) => i.id === created.json.integration.id)!.credentials;
		expect(Object.keys(stored)).toEqual(['api key', '__proto__', 'constructor', 'ключ']);
		expect(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value).toBe('p');
		expect(({} as Record<string, unknown>).p).toBeUndefined();
		// The user added before the restart is the one a delete removes.
		expect((await call(b, 'DELETE', `${API}/user`, { ...creds(b), organizationOemToken: token })).status).toBe(201);
	});

	it('is written before the answer, as valid JSON, through a temp file renamed into place', async () => {
		// The module object itself (an `import * as` namespace has read-only bindings).
		const nodeFs = require('node:fs') as typeof fs; // eslint-disable-line @typescript-eslint/no-require-imports
		const renames: Array<[string, string]> = [];
		const realRename = nodeFs.renameSync;
		jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
			renames.push([String(from), String(to)]);
			realRename(from, to);
		});
		const fsyncs = jest.spyOn(nodeFs, 'fsyncSync');
		const s = await start();
		renames.length = 0;
		fsyncs.mockClear();

		const r = await call(s, 'POST', `${API}/organization`, { ...creds(s), data: { name: 'Atomic MSP', email: 'a@atomic.example' } });
		expect(r.status).toBe(201);
		// By the time the 201 arrived the file already held the new organization.
		const onDisk = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
		expect(onDisk.organizations.map((o: { organizationOemToken: string }) => o.organizationOemToken)).toContain(r.json.organizationOemToken);
		expect(renames).toHaveLength(1);
		const [from, to] = renames[0];
		expect(to).toBe(path.resolve(stateFile));
		expect(path.dirname(from)).toBe(dir);
		expect(from).toMatch(/\.tmp$/);
		expect(fsyncs).toHaveBeenCalled();
		// No temp file is left behind.
		expect(fs.readdirSync(dir)).toEqual(['state.json']);
	});

	it('reads do not rewrite it; rejected writes do not change it', async () => {
		const s = await start();
		const written = fs.statSync(stateFile).mtimeMs;
		const content = fs.readFileSync(stateFile, 'utf8');
		await new Promise((r) => setTimeout(r, 20));
		await call(s, 'POST', `${API}/vendor`, creds(s));
		await call(s, 'POST', `${API}/integration/list`, { ...creds(s), organizationOemToken: DEMO_ORGANIZATION_TOKEN });
		await call(s, 'POST', `${API}/organization`, { ...creds(s), data: { name: 'x' } });
		expect(fs.statSync(stateFile).mtimeMs).toBe(written);
		expect(fs.readFileSync(stateFile, 'utf8')).toBe(content);
	});

	it('reset() writes the seed state back', async () => {
		const s = await start();
		await call(s, 'POST', `${API}/organization`, { ...creds(s), data: { name: 'Gone MSP', email: 'g@gone.example' } });
		s.reset();
		await s.stop();
		const t = await start();
		expect(t.state().organizations.map((o) => o.name)).not.toContain('Gone MSP');
		expect(t.demoOrganizationToken).toBe(DEMO_ORGANIZATION_TOKEN);
	});

	it('a corrupt or foreign state file stops the start instead of being overwritten', async () => {
		fs.writeFileSync(stateFile, '{"half":');
		await expect(startSandbox({ stateFile })).rejects.toThrow(/state file/);
		fs.writeFileSync(stateFile, '{"vendors":[]}');
		await expect(startSandbox({ stateFile })).rejects.toThrow(/not a sandbox state file/);
		expect(fs.readFileSync(stateFile, 'utf8')).toBe('{"vendors":[]}');
	});

	it('the direct createOrganization helper persists too and refuses duplicates', async () => {
		const s = await start();
		const made = s.createOrganization({ name: 'Helper MSP', email: 'h@helper.example', organizationOemToken: 'helper-token' });
		expect(made.organizationOemToken).toBe('helper-token');
		expect(() => s.createOrganization({ name: 'Helper MSP', email: 'h@helper.example' })).toThrow(/already exists/);
		await s.stop();
		const t = await start();
		expect((await call(t, 'POST', `${API}/integration/list`, { ...creds(t), organizationOemToken: 'helper-token' })).status).toBe(200);
	});
});

describe('seeds', () => {
	const seed = {
		vendors: [
			{ id: 'v-1', name: 'Only Vendor', integrationStatus: 'active', integrationType: 'custom_hosted', integrationCredentialTemplate: ['api key', 'tenant id'] },
		],
		organizations: [{ name: 'Seeded MSP', email: 's@seeded.example', organizationOemToken: 'seeded-token' }],
	};

	it('a seed replaces the default data; the first organization gives the demo token', async () => {
		const s = await start({ stateFile: undefined, seed });
		const r = await call(s, 'POST', `${API}/vendor`, creds(s));
		expect(r.json.vendors).toEqual([
			{ id: 'v-1', name: 'Only Vendor', integrationStatus: 'active', integrationType: 'custom_hosted', integrationCredentialTemplate: { 'api key': '', 'tenant id': '' } },
		]);
		expect(s.demoOrganizationToken).toBe('seeded-token');
	});

	it('is read from a JSON file and checked, naming the bad field', () => {
		const file = path.join(dir, 'seed.json');
		fs.writeFileSync(file, JSON.stringify(seed));
		expect(loadSeedFile(file).vendors[0].id).toBe('v-1');
		expect(() => validateSeed({ vendors: [{ id: 1, name: 'x' }] })).toThrow(SeedError);
		expect(() => validateSeed({ vendors: [{ id: 1, name: 'x' }] })).toThrow('seed.vendors[0].id');
		expect(() => validateSeed({ vendors: {} })).toThrow('seed.vendors');
		fs.writeFileSync(file, '{nope');
		expect(() => loadSeedFile(file)).toThrow(SeedError);
	});

	it('a seed integration must name a known vendor', async () => {
		await expect(
			startSandbox({ seed: { ...seed, organizations: [{ ...seed.organizations[0], integrations: [{ vendorId: 'nope' }] }] } }),
		).rejects.toThrow(/unknown vendor/);
	});
});
