import { DEMO_ORGANIZATION_TOKEN, DEFAULT_SEED, startSandbox, type RunningSandbox } from '../../sandbox';
import { API, call, creds } from './httpClient';

const ODD_ID = 'odd/id ?#x ü';

let sb: RunningSandbox;
beforeAll(async () => {
	sb = await startSandbox({
		clientId: 'cid-under-test',
		clientSecret: 'TOP-SECRET-CLIENT-SECRET',
		seed: {
			...DEFAULT_SEED,
			organizations: [
				...(DEFAULT_SEED.organizations ?? []),
				{
					name: 'Odd Ids Inc',
					email: 'o@odd.example',
					organizationOemToken: 'odd-org-token',
					integrations: [{ id: ODD_ID, vendorId: '90017', integrationCredentials: { 'api username': 'x' } }],
				},
			],
		},
	});
});
afterAll(() => sb.stop());
beforeEach(() => sb.reset());

const demo = () => ({ ...creds(sb), organizationOemToken: DEMO_ORGANIZATION_TOKEN });
const ENDPOINTS: Array<[string, string]> = [
	['POST', `${API}/vendor`],
	['POST', `${API}/integration`],
	['POST', `${API}/integration/list`],
	['PATCH', `${API}/integration/abc`],
	['POST', `${API}/organization`],
	['POST', `${API}/user`],
	['DELETE', `${API}/user`],
];

describe('body must be a JSON object', () => {
	it.each(ENDPOINTS)('%s %s: 400 for invalid JSON, non-objects and empty bodies', async (method, path) => {
		const invalid = await call(sb, method, path, '{"clientSecret": "TOP-SECRET-CLIENT-SECRET", oops');
		expect(invalid.status).toBe(400);
		expect(invalid.json).toEqual({ status: 400, message: 'Request body is not valid JSON' });
		for (const body of ['[]', '"text"', '42', 'null', '']) {
			const r = await call(sb, method, path, body);
			expect(r.status).toBe(400);
			expect(r.json).toEqual({ status: 400, message: 'Request body must be a JSON object' });
		}
	});
});

describe('401 for each wrong or missing client-credential field', () => {
	const variants: Array<[string, Record<string, unknown>]> = [
		['wrong clientId', { clientId: 'other' }],
		['wrong clientSecret', { clientSecret: 'wrong-secret-123' }],
		['wrong grantType', { grantType: 'password' }],
		['wrong scope', { scope: 'vendor_read' }],
		['missing clientId', { clientId: undefined }],
		['missing clientSecret', { clientSecret: undefined }],
		['missing grantType', { grantType: undefined }],
		['missing scope', { scope: undefined }],
		['non-string clientSecret', { clientSecret: 12345 }],
	];
	it.each(ENDPOINTS)('%s %s', async (method, path) => {
		for (const [, change] of variants) {
			const r = await call(sb, method, path, { ...demo(), ...change, data: {} });
			expect(r.status).toBe(401);
			expect(r.json).toEqual({ status: 401, message: expect.any(String) });
			expect(r.text).not.toContain('wrong-secret-123');
			expect(r.text).not.toContain('TOP-SECRET-CLIENT-SECRET');
		}
	});
});

describe('check order: 401 > 400 > 403 > 404 > 409', () => {
	it('401 before 400: bad secret and malformed data', async () => {
		const r = await call(sb, 'POST', `${API}/integration`, { ...demo(), clientSecret: 'bad', data: 'nope' });
		expect(r.status).toBe(401);
	});
	it('400 before 403: malformed data and unknown token', async () => {
		const r = await call(sb, 'POST', `${API}/integration`, { ...creds(sb), organizationOemToken: 'unknown', data: { vendorId: 1 } });
		expect(r.status).toBe(400);
	});
	it('403 before 404: unknown token and unknown vendor / integration', async () => {
		const data = { vendorId: 'no-vendor', integrationCredentials: {} };
		expect((await call(sb, 'POST', `${API}/integration`, { ...creds(sb), organizationOemToken: 'unknown', data })).status).toBe(403);
		const patch = await call(sb, 'PATCH', `${API}/integration/nope`, {
			...creds(sb),
			organizationOemToken: 'unknown',
			data: { integrationCredentials: {} },
		});
		expect(patch.status).toBe(403);
	});
	it('404 before 409: unknown vendor even where a duplicate would exist', async () => {
		const data = { vendorId: '43211235', integrationCredentials: {} };
		expect((await call(sb, 'POST', `${API}/integration`, { ...demo(), data })).status).toBe(201);
		expect((await call(sb, 'POST', `${API}/integration`, { ...demo(), data: { ...data, vendorId: 'x' } })).status).toBe(404);
		expect((await call(sb, 'POST', `${API}/integration`, { ...demo(), data })).status).toBe(409);
	});
	it('route 404 and method 405 come before any body check', async () => {
		expect((await call(sb, 'POST', `${API}/nothing`, 'not json')).status).toBe(404);
		expect((await call(sb, 'GET', `${API}/vendor`)).status).toBe(405);
	});
});

describe('error messages never echo secrets, tokens or credential values', () => {
	it('across every kind of rejected request', async () => {
		const SECRET = 'SECRET-MARKER-7f3a';
		const TOKEN = 'TOKEN-MARKER-91bc';
		const VALUE = 'CREDVALUE-MARKER-55de';
		const answers = await Promise.all([
			call(sb, 'POST', `${API}/vendor`, `{"clientSecret":"${SECRET}",`),
			call(sb, 'POST', `${API}/vendor`, `{"clientSecret":"${SECRET}","x": tru}`),
			call(sb, 'POST', `${API}/vendor`, { ...creds(sb), clientSecret: SECRET }),
			call(sb, 'POST', `${API}/vendor`, { ...creds(sb), clientId: SECRET }),
			call(sb, 'POST', `${API}/vendor`, { ...creds(sb), scope: SECRET }),
			call(sb, 'POST', `${API}/vendor`, { ...creds(sb), grantType: SECRET }),
			call(sb, 'POST', `${API}/integration/list`, { ...creds(sb), organizationOemToken: TOKEN }),
			call(sb, 'DELETE', `${API}/user`, { ...creds(sb), organizationOemToken: TOKEN }),
			call(sb, 'POST', `${API}/integration`, {
				...creds(sb),
				organizationOemToken: TOKEN,
				data: { vendorId: '43211235', integrationCredentials: { 'api key': VALUE } },
			}),
			call(sb, 'POST', `${API}/integration`, {
				...demo(),
				data: { vendorId: 'unknown', integrationCredentials: { 'api key': VALUE } },
			}),
			call(sb, 'POST', `${API}/integration`, {
				...demo(),
				data: { vendorId: '43211235', integrationCredentials: { 'api key': { nested: VALUE } } },
			}),
			call(sb, 'POST', `${API}/integration`, {
				...demo(),
				data: { vendorId: '43211235', integrationCredentials: { 'api key': [VALUE] } },
			}),
			call(sb, 'PATCH', `${API}/integration/unknown`, { ...demo(), data: { integrationCredentials: { 'api key': VALUE } } }),
			call(sb, 'PATCH', `${API}/integration/unknown`, { ...creds(sb), organizationOemToken: TOKEN, data: { integrationCredentials: {} } }),
			call(sb, 'POST', `${API}/integration`, {
				...creds(sb),
				organizationOemToken: TOKEN,
				integrationType: 'external',
				organizationId: 'demo-org-1',
				vendorId: '67ae3bcff05cb32e0cb6d9a3',
			}),
		]);
		for (const r of answers) {
			expect(r.status).toBeGreaterThanOrEqual(400);
			for (const marker of [SECRET, TOKEN, VALUE, 'TOP-SECRET-CLIENT-SECRET', DEMO_ORGANIZATION_TOKEN]) {
				expect(r.text).not.toContain(marker);
			}
		}
		// The duplicate-integration 409 does not echo stored or sent values either.
		const data = { vendorId: '43211235', integrationCredentials: { 'api key': VALUE } };
		await call(sb, 'POST', `${API}/integration`, { ...demo(), data });
		const dup = await call(sb, 'POST', `${API}/integration`, { ...demo(), data });
		expect(dup.status).toBe(409);
		expect(dup.text).not.toContain(VALUE);
	});
});

describe('credential keys are data', () => {
	const KEYS = ['api key', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'a.b.c', 'x[0]', 'ключ API', '🔑 key', ' padded ', ''];

	afterEach(() => {
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
	});

	it('stores and lists odd keys verbatim, in order', async () => {
		// Built as JSON text so `__proto__` is a real own key on the wire.
		const credentials = `{${KEYS.map((k, i) => `${JSON.stringify(k)}:${JSON.stringify(`v${i}`)}`).join(',')}}`;
		const body = `{${JSON.stringify(demo()).slice(1, -1)},"data":{"vendorId":"43211235","integrationCredentials":${credentials}}}`;
		const created = await call(sb, 'POST', `${API}/integration`, body);
		expect(created.status).toBe(201);

		const stored = sb.state().integrations.find((i) => i.id === created.json.integration.id)!.credentials;
		expect(Object.keys(stored)).toEqual(KEYS);
		KEYS.forEach((k, i) => expect(Object.getOwnPropertyDescriptor(stored, k)?.value).toBe(`v${i}`));

		const list = await call(sb, 'POST', `${API}/integration/list`, demo());
		const template = list.json.integrations[0].integrationCredentialTemplate;
		// JSON.parse keeps `__proto__` as an own key: the wire text really carries every key.
		expect(Object.keys(template[0])).toEqual(KEYS);
		expect(Object.values(template[0]).every((v) => v === '')).toBe(true);
		expect(list.text).toContain('"__proto__":""');

		const patched = `{${JSON.stringify(demo()).slice(1, -1)},"data":{"integrationCredentials":{"__proto__":"p","constructor":"c"}}}`;
		expect((await call(sb, 'PATCH', `${API}/integration/${created.json.integration.id}`, patched)).status).toBe(200);
		const after = sb.state().integrations.find((i) => i.id === created.json.integration.id)!.credentials;
		expect(Object.keys(after)).toEqual(['__proto__', 'constructor']);
		expect(Object.getOwnPropertyDescriptor(after, '__proto__')?.value).toBe('p');
	});

	it('a __proto__ object anywhere in the body pollutes nothing and is not read through', async () => {
		const head = JSON.stringify(demo()).slice(1, -1);
		const polluting = await call(
			sb,
			'POST',
			`${API}/integration`,
			`{${head},"__proto__":{"polluted":"yes"},"data":{"vendorId":"43211235","integrationCredentials":{"__proto__":{"polluted":"yes"}}}}`,
		);
		expect(polluting.status).toBe(400);
		expect(polluting.json.message).toBe('data.integrationCredentials["__proto__"] must be a string');
		// A vendorId hidden behind `__proto__` is not a vendorId.
		const hidden = await call(sb, 'POST', `${API}/integration`, `{${head},"data":{"__proto__":{"vendorId":"43211235","integrationCredentials":{}}}}`);
		expect(hidden.json).toEqual({ status: 400, message: 'data.vendorId is required' });
		// Nor are client credentials hidden behind it.
		const hiddenCreds = await call(sb, 'POST', `${API}/vendor`, `{"__proto__":${JSON.stringify(creds(sb))}}`);
		expect(hiddenCreds.status).toBe(401);
	});
});

describe('integration ids in the path', () => {
	const body = () => ({ ...demo(), data: { integrationCredentials: { 'api key': 'k' } } });

	it.each(['a/list', 'list?x=1', 'x#y', 'with space', 'ü', '%', '%2F'])('PATCH .../integration/%j (encoded) is "integration not found"', async (id) => {
		const r = await call(sb, 'PATCH', `${API}/integration/${encodeURIComponent(id)}`, body());
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ status: 404, message: 'Integration not found' });
	});

	it('an encoded slash never reaches another route', async () => {
		// POST to ".../integration/list" spelled with %2F is not the list route.
		const r = await call(sb, 'POST', `${API}/integration%2Flist`, demo());
		expect(r.status).toBe(404);
		expect(r.json.message).toMatch(/^Cannot POST/);
		// PATCH ".../integration/list" is the update route with id "list".
		expect((await call(sb, 'PATCH', `${API}/integration/list`, body())).json.message).toBe('Integration not found');
	});

	it('an id with / ? # space and unicode is found when encoded', async () => {
		const r = await call(sb, 'PATCH', `${API}/integration/${encodeURIComponent(ODD_ID)}`, {
			...creds(sb),
			organizationOemToken: 'odd-org-token',
			data: { integrationCredentials: { 'api username': 'y' } },
		});
		expect(r.status).toBe(200);
		expect(r.json.integration).toEqual({ id: ODD_ID, vendorId: '90017' });
	});

	it('400 for broken percent-encoding', async () => {
		const r = await call(sb, 'PATCH', `${API}/integration/%E0%A4%A`, body());
		expect(r.status).toBe(400);
		expect(r.json.message).toContain('integrationId');
	});
});
