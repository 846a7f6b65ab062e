import {
	DEMO_ORGANIZATION_TOKEN,
	OTHER_ORGANIZATION_INTEGRATION_ID,
	OTHER_ORGANIZATION_TOKEN,
} from '../../sandbox';
import { useSandbox } from '../helpers/useSandbox';
import { API, call, creds, rawRequest } from './httpClient';

const running = useSandbox();

const demo = () => ({ ...creds(running.sandbox), organizationOemToken: DEMO_ORGANIZATION_TOKEN });

describe('POST /vendor', () => {
	it('lists the vendors with the template as an object of empty strings', async () => {
		const r = await call(running.sandbox, 'POST', `${API}/vendor`, creds(running.sandbox));
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toMatch(/^application\/json/);
		expect(r.json.status).toBe(200);
		expect(r.json.message).toBe('Successfully fetched MSPC vendors');
		expect(r.json.vendors.length).toBeGreaterThanOrEqual(5);
		expect(r.json.vendors[0]).toEqual({
			id: '43211235',
			name: 'Northwind RMM',
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			integrationCredentialTemplate: { 'api key': '', 'api username': '' },
		});
		for (const v of r.json.vendors) {
			expect(Object.keys(v)).toEqual(['id', 'name', 'integrationStatus', 'integrationType', 'integrationCredentialTemplate']);
			expect(typeof v.id).toBe('string');
			expect(['custom_hosted', 'external']).toContain(v.integrationType);
			expect(['active', 'inactive']).toContain(v.integrationStatus);
			expect(Array.isArray(v.integrationCredentialTemplate)).toBe(false);
			for (const value of Object.values(v.integrationCredentialTemplate)) expect(value).toBe('');
		}
		const ids: string[] = r.json.vendors.map((v: { id: string }) => v.id);
		expect(ids.some((id) => /^[0-9a-f]{24}$/.test(id))).toBe(true);
		expect(ids.some((id) => /^\d+$/.test(id))).toBe(true);
	});
});

describe('POST /integration (credential variant)', () => {
	it('creates an integration: 201 with the documented shape', async () => {
		const r = await call(running.sandbox, 'POST', `${API}/integration`, {
			...demo(),
			data: { vendorId: '43211235', integrationCredentials: { 'api user': 'u1', 'api key': 'k1' } },
		});
		expect(r.status).toBe(201);
		expect(r.json).toEqual({
			integration: { id: expect.stringMatching(/^[0-9a-f]{24}$/), vendorId: '43211235' },
			status: 201,
			message: 'Successfully created an integration for an organization',
		});
		const stored = running.sandbox.state().integrations.find((i) => i.id === r.json.integration.id);
		expect(stored?.credentials).toEqual({ 'api user': 'u1', 'api key': 'k1' });
		expect(stored?.organizationId).toBe(running.sandbox.state().organizations.find((o) => o.organizationOemToken === DEMO_ORGANIZATION_TOKEN)?.id);
	});

	it('409 for a second integration of the same vendor in one organization', async () => {
		const body = { ...demo(), data: { vendorId: '43211235', integrationCredentials: { 'api key': 'k' } } };
		expect((await call(running.sandbox, 'POST', `${API}/integration`, body)).status).toBe(201);
		const again = await call(running.sandbox, 'POST', `${API}/integration`, body);
		expect(again.status).toBe(409);
		expect(again.json).toEqual({ status: 409, message: expect.any(String) });
	});

	it('the same vendor in another organization is fine', async () => {
		// The other organization already has vendor 43211235 in the seed.
		const r = await call(running.sandbox, 'POST', `${API}/integration`, {
			...demo(),
			data: { vendorId: '43211235', integrationCredentials: {} },
		});
		expect(r.status).toBe(201);
	});

	it('403 for a missing or unknown token, 404 for an unknown vendor', async () => {
		const data = { vendorId: '43211235', integrationCredentials: { 'api key': 'k' } };
		expect((await call(running.sandbox, 'POST', `${API}/integration`, { ...creds(running.sandbox), data })).status).toBe(403);
		expect((await call(running.sandbox, 'POST', `${API}/integration`, { ...creds(running.sandbox), organizationOemToken: 'nope', data })).status).toBe(403);
		expect((await call(running.sandbox, 'POST', `${API}/integration`, { ...creds(running.sandbox), organizationOemToken: '', data })).status).toBe(403);
		const unknown = await call(running.sandbox, 'POST', `${API}/integration`, { ...demo(), data: { ...data, vendorId: 'no-such-vendor' } });
		expect(unknown.status).toBe(404);
		expect(unknown.json).toEqual({ status: 404, message: 'Vendor not found' });
	});

	it('400 naming the field for malformed bodies', async () => {
		const cases: Array<[unknown, string]> = [
			[undefined, 'data'],
			['x', 'data'],
			[{ integrationCredentials: {} }, 'data.vendorId'],
			[{ vendorId: 43211235, integrationCredentials: {} }, 'data.vendorId'],
			[{ vendorId: '43211235' }, 'data.integrationCredentials'],
			[{ vendorId: '43211235', integrationCredentials: ['a'] }, 'data.integrationCredentials'],
			[{ vendorId: '43211235', integrationCredentials: 'api key=1' }, 'data.integrationCredentials'],
			[{ vendorId: '43211235', integrationCredentials: { 'api key': 1 } }, 'data.integrationCredentials["api key"]'],
			[{ vendorId: '43211235', integrationCredentials: { 'api user': 'u', 'api key': null } }, 'data.integrationCredentials["api key"]'],
		];
		for (const [data, field] of cases) {
			const r = await call(running.sandbox, 'POST', `${API}/integration`, { ...demo(), ...(data === undefined ? {} : { data }) });
			expect(r.status).toBe(400);
			expect(r.json.status).toBe(400);
			expect(r.json.message).toContain(field);
		}
	});
});

describe('POST /integration (external variant)', () => {
	const orgId = () => running.sandbox.state().organizations.find((o) => o.organizationOemToken === DEMO_ORGANIZATION_TOKEN)!.id;

	it('201 with integrationKind "external" and a partnerApiKey', async () => {
		const r = await call(running.sandbox, 'POST', `${API}/integration`, {
			...creds(running.sandbox),
			integrationType: 'external',
			organizationId: orgId(),
			vendorId: '67ae3bcff05cb32e0cb6d9a3',
		});
		expect(r.status).toBe(201);
		expect(r.json).toEqual({
			integration: { id: expect.any(String), vendorId: '67ae3bcff05cb32e0cb6d9a3', integrationKind: 'external' },
			partnerApiKey: expect.any(String),
			status: 201,
			message: 'Successfully created an integration for an organization',
		});
		const list = await call(running.sandbox, 'POST', `${API}/integration/list`, demo());
		expect(list.json.integrations).toEqual([
			{ id: r.json.integration.id, vendorId: '67ae3bcff05cb32e0cb6d9a3', integrationKind: 'external', integrationCredentialTemplate: [{}] },
		]);
	});

	it('accepts the vendorOrganizationId as organizationId, and a matching token', async () => {
		const r = await call(running.sandbox, 'POST', `${API}/integration`, {
			...demo(),
			integrationType: 'external',
			organizationId: 'demo-org-1',
			vendorId: '67ae3bcff05cb32e0cb6d9a5',
		});
		expect(r.status).toBe(201);
	});

	it('still requires C; 400/403/404/409 like the credential variant', async () => {
		const body = { integrationType: 'external', organizationId: orgId(), vendorId: '67ae3bcff05cb32e0cb6d9a3' };
		expect((await call(running.sandbox, 'POST', `${API}/integration`, body)).status).toBe(401);
		const bad = (extra: object) => call(running.sandbox, 'POST', `${API}/integration`, { ...creds(running.sandbox), ...body, ...extra });
		expect((await bad({ integrationType: 'custom_hosted' })).json).toEqual({ status: 400, message: expect.stringContaining('integrationType') });
		expect((await bad({ vendorId: undefined })).json.message).toContain('vendorId');
		expect((await bad({ organizationId: 7 })).json.message).toContain('organizationId');
		expect((await bad({ organizationId: 'nope' })).status).toBe(404);
		expect((await bad({ vendorId: 'nope' })).status).toBe(404);
		expect((await bad({ organizationOemToken: 'nope' })).status).toBe(403);
		expect((await bad({ organizationOemToken: OTHER_ORGANIZATION_TOKEN })).status).toBe(403);
		expect((await bad({})).status).toBe(201);
		expect((await bad({})).status).toBe(409);
	});
});

describe('POST /integration/list', () => {
	it('lists only the organization’s integrations, template as an array of one object, values never echoed', async () => {
		const created = await call(running.sandbox, 'POST', `${API}/integration`, {
			...demo(),
			data: { vendorId: '67ae3bcff05cb32e0cb6d9a2', integrationCredentials: { 'tenant id': 'T-SECRET', 'api key': 'K-SECRET', region: 'eu' } },
		});
		const r = await call(running.sandbox, 'POST', `${API}/integration/list`, demo());
		expect(r.status).toBe(200);
		expect(r.json).toEqual({
			integrations: [
				{
					id: created.json.integration.id,
					vendorId: '67ae3bcff05cb32e0cb6d9a2',
					integrationCredentialTemplate: [{ 'tenant id': '', 'api key': '', region: '' }],
				},
			],
			status: 200,
			message: "Successfully fetched list of user's integrations",
		});
		expect(r.text).not.toContain('SECRET');
		const other = await call(running.sandbox, 'POST', `${API}/integration/list`, { ...creds(running.sandbox), organizationOemToken: OTHER_ORGANIZATION_TOKEN });
		expect(other.json.integrations.map((i: { id: string }) => i.id)).toEqual([OTHER_ORGANIZATION_INTEGRATION_ID]);
		expect(other.json.integrations[0].integrationCredentialTemplate).toEqual([{ 'api user': '', 'api key': '' }]);
	});

	it('an empty list for an organization without integrations; 403 without a valid token', async () => {
		expect((await call(running.sandbox, 'POST', `${API}/integration/list`, demo())).json.integrations).toEqual([]);
		expect((await call(running.sandbox, 'POST', `${API}/integration/list`, creds(running.sandbox))).status).toBe(403);
		expect((await call(running.sandbox, 'POST', `${API}/integration/list`, { ...creds(running.sandbox), organizationOemToken: 'x' })).status).toBe(403);
		expect((await call(running.sandbox, 'POST', `${API}/integration/list`, { ...creds(running.sandbox), organizationOemToken: 5 })).status).toBe(400);
	});
});

describe('PATCH /integration/{integrationId}', () => {
	async function create() {
		const r = await call(running.sandbox, 'POST', `${API}/integration`, {
			...demo(),
			data: { vendorId: '43211235', integrationCredentials: { 'api user': 'old-user', 'api key': 'old-key' } },
		});
		return r.json.integration.id as string;
	}

	it('replaces the credentials: 200 with the documented shape', async () => {
		const id = await create();
		const r = await call(running.sandbox, 'PATCH', `${API}/integration/${encodeURIComponent(id)}`, {
			...demo(),
			data: { integrationCredentials: { 'api username': 'new-user', 'api key': 'new-key' } },
		});
		expect(r.status).toBe(200);
		expect(r.json).toEqual({
			integration: { id, vendorId: '43211235' },
			status: 200,
			message: "Successfully updated a user's integration credentials",
		});
		expect(r.text).not.toContain('new-key');
		expect(running.sandbox.state().integrations.find((i) => i.id === id)?.credentials).toEqual({ 'api username': 'new-user', 'api key': 'new-key' });
		const list = await call(running.sandbox, 'POST', `${API}/integration/list`, demo());
		expect(list.json.integrations[0].integrationCredentialTemplate).toEqual([{ 'api username': '', 'api key': '' }]);
	});

	it('404 for an unknown integration and for one of another organization', async () => {
		const body = { ...demo(), data: { integrationCredentials: { 'api key': 'k' } } };
		expect((await call(running.sandbox, 'PATCH', `${API}/integration/000000000000000000000000`, body)).json).toEqual({
			status: 404,
			message: 'Integration not found',
		});
		expect((await call(running.sandbox, 'PATCH', `${API}/integration/${OTHER_ORGANIZATION_INTEGRATION_ID}`, body)).status).toBe(404);
		// ...while its own organization may update it.
		const own = await call(running.sandbox, 'PATCH', `${API}/integration/${OTHER_ORGANIZATION_INTEGRATION_ID}`, {
			...body,
			organizationOemToken: OTHER_ORGANIZATION_TOKEN,
		});
		expect(own.status).toBe(200);
	});

	it('400 naming the field, 403 for a bad token', async () => {
		const id = await create();
		const path = `${API}/integration/${id}`;
		expect((await call(running.sandbox, 'PATCH', path, demo())).json.message).toContain('data');
		expect((await call(running.sandbox, 'PATCH', path, { ...demo(), data: {} })).json.message).toContain('data.integrationCredentials');
		const badValue = await call(running.sandbox, 'PATCH', path, { ...demo(), data: { integrationCredentials: { 'api secret': false } } });
		expect(badValue.status).toBe(400);
		expect(badValue.json.message).toContain('"api secret"');
		expect((await call(running.sandbox, 'PATCH', path, { ...creds(running.sandbox), organizationOemToken: 'x', data: { integrationCredentials: {} } })).status).toBe(403);
	});
});

describe('POST /organization', () => {
	const data = {
		name: 'Acme IT',
		email: 'boss@acme-it.example',
		firstName: 'Ada',
		lastName: 'Acme',
		vendorUserId: 'acme-user-1',
		vendorOrganizationId: 'acme-org-1',
	};

	it('201 with a new token that then works on the org-scoped routes', async () => {
		const r = await call(running.sandbox, 'POST', `${API}/organization`, { ...creds(running.sandbox), data });
		expect(r.status).toBe(201);
		expect(r.json).toEqual({ status: 201, message: 'Successfully created organization', organizationOemToken: expect.any(String) });
		const list = await call(running.sandbox, 'POST', `${API}/integration/list`, { ...creds(running.sandbox), organizationOemToken: r.json.organizationOemToken });
		expect(list.status).toBe(200);
		const org = running.sandbox.state().organizations.find((o) => o.organizationOemToken === r.json.organizationOemToken);
		expect(org).toMatchObject({ name: 'Acme IT', email: 'boss@acme-it.example', vendorOrganizationId: 'acme-org-1' });
		expect(org?.users).toEqual([expect.objectContaining({ email: 'boss@acme-it.example', role: 'owner', vendorUserId: 'acme-user-1' })]);
	});

	it('409 for the same vendorOrganizationId, or the same name+email without one', async () => {
		expect((await call(running.sandbox, 'POST', `${API}/organization`, { ...creds(running.sandbox), data })).status).toBe(201);
		const dup = await call(running.sandbox, 'POST', `${API}/organization`, { ...creds(running.sandbox), data: { ...data, name: 'Other name' } });
		expect(dup.status).toBe(409);
		expect(dup.json).toEqual({ status: 409, message: expect.any(String) });
		const plain = { name: 'Plain MSP', email: 'a@plain.example' };
		expect((await call(running.sandbox, 'POST', `${API}/organization`, { ...creds(running.sandbox), data: plain })).status).toBe(201);
		expect((await call(running.sandbox, 'POST', `${API}/organization`, { ...creds(running.sandbox), data: { ...plain, name: 'PLAIN MSP ' } })).status).toBe(409);
		expect((await call(running.sandbox, 'POST', `${API}/organization`, { ...creds(running.sandbox), data: { ...plain, vendorOrganizationId: 'p-2' } })).status).toBe(201);
	});

	it('400 naming the field', async () => {
		const bad = async (d: unknown) => (await call(running.sandbox, 'POST', `${API}/organization`, { ...creds(running.sandbox), data: d })).json;
		expect(await bad({ ...data, name: undefined })).toEqual({ status: 400, message: 'data.name is required' });
		expect((await bad({ ...data, name: '  ' })).message).toContain('data.name');
		expect((await bad({ ...data, email: 'not-an-email' })).message).toContain('data.email');
		expect((await bad({ ...data, vendorUserId: 1234 })).message).toContain('data.vendorUserId');
		expect((await bad({ ...data, vendorOrganizationId: {} })).message).toContain('data.vendorOrganizationId');
		expect((await bad([data])).message).toContain('data');
	});
});

describe('POST /user', () => {
	it('finds the organization by vendorOrganizationId and returns its token', async () => {
		const r = await call(running.sandbox, 'POST', `${API}/user`, {
			...creds(running.sandbox),
			data: { email: 'new@elsewhere.example', firstName: 'N', lastName: 'U', vendorUserId: 'u-9', vendorOrganizationId: 'demo-org-1' },
		});
		expect(r.status).toBe(201);
		expect(r.json).toEqual({
			status: 201,
			message: 'Successfully created a user for the organization',
			organizationOemToken: DEMO_ORGANIZATION_TOKEN,
		});
		const org = running.sandbox.state().organizations.find((o) => o.organizationOemToken === DEMO_ORGANIZATION_TOKEN);
		expect(org?.users.at(-1)).toMatchObject({ email: 'new@elsewhere.example', role: 'member', vendorUserId: 'u-9' });
	});

	it('otherwise by the email domain; 404 when nothing matches; 409 for a duplicate email', async () => {
		const byDomain = await call(running.sandbox, 'POST', `${API}/user`, { ...creds(running.sandbox), data: { email: 'someone@OTHER-MSP.example' } });
		expect(byDomain.status).toBe(201);
		expect(byDomain.json.organizationOemToken).toBe(OTHER_ORGANIZATION_TOKEN);
		const none = await call(running.sandbox, 'POST', `${API}/user`, { ...creds(running.sandbox), data: { email: 'x@nowhere.example', vendorOrganizationId: 'nope' } });
		expect(none.status).toBe(404);
		expect(none.json).toEqual({ status: 404, message: expect.any(String) });
		const dup = await call(running.sandbox, 'POST', `${API}/user`, { ...creds(running.sandbox), data: { email: 'someone@other-msp.example' } });
		expect(dup.status).toBe(409);
	});

	it('400 naming the field', async () => {
		expect((await call(running.sandbox, 'POST', `${API}/user`, { ...creds(running.sandbox), data: {} })).json.message).toBe('data.email is required');
		expect((await call(running.sandbox, 'POST', `${API}/user`, { ...creds(running.sandbox), data: { email: 5 } })).json.message).toContain('data.email');
		expect((await call(running.sandbox, 'POST', `${API}/user`, creds(running.sandbox))).json.message).toBe('data is required');
	});
});

describe('DELETE /user', () => {
	it('reads the JSON body of a DELETE and answers 201; removes the most recently added non-owner', async () => {
		await call(running.sandbox, 'POST', `${API}/user`, { ...creds(running.sandbox), data: { email: 'last@demo-msp.example' } });
		const before = running.sandbox.state().organizations.find((o) => o.organizationOemToken === DEMO_ORGANIZATION_TOKEN)!.users;
		expect(before.map((u) => u.email)).toEqual(['owner@demo-msp.example', 'tech@demo-msp.example', 'last@demo-msp.example']);

		const r = await rawRequest(running.sandbox.url, 'DELETE', `${API}/user`, JSON.stringify(demo()));
		expect(r.status).toBe(201);
		expect(JSON.parse(r.text)).toEqual({ status: 201, message: 'Success: User Deleted' });
		const after = () => running.sandbox.state().organizations.find((o) => o.organizationOemToken === DEMO_ORGANIZATION_TOKEN)!.users.map((u) => u.email);
		expect(after()).toEqual(['owner@demo-msp.example', 'tech@demo-msp.example']);

		expect((await call(running.sandbox, 'DELETE', `${API}/user`, demo())).status).toBe(201);
		expect(after()).toEqual(['owner@demo-msp.example']);
		// Only the owner is left: the owner is never removed.
		const none = await call(running.sandbox, 'DELETE', `${API}/user`, demo());
		expect(none.status).toBe(404);
		expect(none.json).toEqual({ status: 404, message: 'User not found' });
	});

	it('a DELETE without a body is a 400, with C but no token a 403', async () => {
		const empty = await rawRequest(running.sandbox.url, 'DELETE', `${API}/user`);
		expect(empty.status).toBe(400);
		expect(JSON.parse(empty.text)).toEqual({ status: 400, message: 'Request body must be a JSON object' });
		expect((await call(running.sandbox, 'DELETE', `${API}/user`, creds(running.sandbox))).status).toBe(403);
		expect((await call(running.sandbox, 'DELETE', `${API}/user`, { ...creds(running.sandbox), organizationOemToken: 'x' })).status).toBe(403);
	});
});

describe('routing', () => {
	it('404 JSON for unknown routes, 405 with Allow for a wrong method', async () => {
		for (const path of ['/', '/api/oem-api', `${API}/vendors`, `${API}/vendor/`, `${API}/integration/a/b`, '/api/vendor-api/x']) {
			const r = await call(running.sandbox, 'POST', path, creds(running.sandbox));
			expect(r.status).toBe(404);
			expect(r.json).toEqual({ status: 404, message: expect.any(String) });
		}
		const get = await call(running.sandbox, 'GET', `${API}/vendor`);
		expect(get.status).toBe(405);
		expect(get.headers.get('allow')).toBe('POST');
		expect(get.json.status).toBe(405);
		expect((await call(running.sandbox, 'PUT', `${API}/user`, creds(running.sandbox))).headers.get('allow')).toBe('POST, DELETE');
		expect((await call(running.sandbox, 'POST', `${API}/integration/abc`, creds(running.sandbox))).headers.get('allow')).toBe('PATCH');
		expect((await call(running.sandbox, 'PATCH', `${API}/integration`, creds(running.sandbox))).status).toBe(405);
	});

	it('a query string does not change the route', async () => {
		expect((await call(running.sandbox, 'POST', `${API}/vendor?x=1`, creds(running.sandbox))).status).toBe(200);
	});
});
