/**
 * No client secret, OEM token or credential value appears in any output item, error message,
 * description, cause, stack or log line, on any path of the catalogue, with Continue On Fail
 * on and off, nor when the server echoes the request (JSON-escaped, URL-encoded, in an HTML
 * page, cut at the edge of an excerpt) in its errors.
 */
import type { ScriptedFault } from '../../../sandbox';
import { SECRETS, VALUE_1, VALUE_3, deepText, params, producedText, secretsIn, useFaultSandbox } from './harness';
import { FAULT_ROWS, INPUT_ROWS, runRow, type Row } from './rows';

const h = useFaultSandbox();
const scanned = { runs: 0, found: [] as string[] };

function scan(name: string, text: string) {
	scanned.runs++;
	const found = secretsIn(text);
	scanned.found.push(...found.map((secret) => `${name}: ${secret}`));
	expect(found).toEqual([]);
}

afterAll(() => {
	console.log(`secret scan: ${scanned.runs} runs scanned, ${scanned.found.length} secrets found`);
});

test('control: the secrets really are sent, and the scanner sees them where they are', async () => {
	const outcome = await runRow(h, { name: 'create', parameters: params('create', { credentialValues: { values: [{ key: 'api key', value: VALUE_1 }, { key: 'api secret', value: VALUE_3 }] } }) });
	expect(outcome.error).toBeUndefined();
	const sent = deepText(outcome.requests);
	expect(secretsIn(sent, [SECRETS.clientSecret, SECRETS.token, SECRETS.value1, SECRETS.value3])).toHaveLength(4);
	// …and finds pieces, escaped and encoded forms.
	expect(secretsIn(`x${SECRETS.value1.slice(3, 12)}x`)).toHaveLength(1);
	expect(secretsIn(JSON.stringify(SECRETS.value3))).toHaveLength(1);
	expect(secretsIn(encodeURIComponent(SECRETS.value3))).toHaveLength(1);
	scan('create', producedText(outcome));
});

describe.each([false, true])('every catalogue row (Continue On Fail: %s)', (continueOnFail) => {
	test.each([...INPUT_ROWS, ...FAULT_ROWS].map((row) => [row.name, row] as const))('%s', async (name, row) => {
		const outcome = await runRow(h, { ...row, continueOnFail });
		scan(name, producedText(outcome));
	});
});

// What a careless server might send back: the whole request it got, in every form. (A list
// request carries no credential values, so its echo holds the client secret and token only.)
// (Create or Update meets the fault on its list request, and User: Remove sends a token only.)
function echoRows(op: 'create' | 'update' | 'integrationList' | 'upsert' | 'userRemove'): Array<[string, ScriptedFault]> {
	const values = op === 'integrationList' || op === 'upsert' || op === 'userRemove' ? [] : [SECRETS.value1, SECRETS.value3];
	const body = {
		clientId: 'sandbox-client-id',
		clientSecret: SECRETS.clientSecret,
		organizationOemToken: SECRETS.token,
		...(values.length ? { data: { integrationCredentials: { 'api key': values[0], 'api secret': values[1] } } } : {}),
	};
	const echoed = JSON.stringify(body);
	const last = values[0] ?? SECRETS.token;
	const rows: Array<[string, ScriptedFault]> = [
		['a JSON error echoing the request', { status: 400, body: { status: 400, message: `Bad request: ${echoed}` } }],
		['a JSON error with the echo in an array of messages', { status: 422, body: { statusCode: 422, message: [`clientSecret ${SECRETS.clientSecret} invalid`, `token ${SECRETS.token}`] } }],
		['a plain-text error echoing the request', { status: 500, contentType: 'text/plain', body: `failed on ${echoed}` }],
		['an HTML error page echoing the request', { status: 502, contentType: 'text/html', body: `<html><head><title>Error ${SECRETS.token}</title></head><body>${echoed}</body></html>` }],
		['an error echoing URL-encoded values', { status: 400, body: { message: `GET /?secret=${encodeURIComponent(values[1] ?? SECRETS.clientSecret)}&t=${encodeURIComponent(SECRETS.token)}` } }],
		['a 200 that is not JSON, secret at the edge of the excerpt', { status: 200, contentType: 'text/plain', body: `${'x'.repeat(195)}${last} ${echoed}` }],
		['a 200 of the wrong shape echoing the request', { status: 200, body: { echo: body } }],
		['a 401 echoing the client secret, near the 300-character cut', { status: 401, contentType: 'text/plain', body: `${'y'.repeat(294)}${SECRETS.clientSecret}` }],
		['a 409 echoing the values', { status: 409, body: { status: 409, message: `exists with ${values.join(' / ') || SECRETS.token}` } }],
	];
	// User: Remove's answer is only {status, message}: any JSON object is a success, not an error to scan
	return op === 'userRemove' ? rows.filter(([name]) => name !== 'a 200 of the wrong shape echoing the request') : rows;
}

describe.each(['create', 'update', 'integrationList', 'upsert', 'userRemove'] as const)('servers that echo secrets: %s', (op) => {
	test.each(echoRows(op))('%s', async (name, fault) => {
		for (const continueOnFail of [false, true]) {
			h.sandbox.injectNext({ ...fault, times: 5 });
			const row: Row = {
				name,
				parameters: params(op, { credentialValues: { values: [{ key: 'api key', value: VALUE_1 }, { key: 'api secret', value: VALUE_3 }] } }),
				continueOnFail,
			};
			const outcome = await runRow(h, row);
			expect(outcome.error?.message).toMatch(/^Could not /);
			// The echo reached the description, with the secrets taken out.
			expect(outcome.error?.description).toMatch(/\[reda/);
			scan(`${op}: ${name}`, producedText(outcome));
			h.sandbox.reset();
		}
	});
});

test('success paths: list, create, update, list again show keys, never values', async () => {
	for (const op of ['vendorList', 'create', 'update', 'integrationList'] as const) {
		const outcome = await runRow(h, { name: op, parameters: params(op, { credentialValues: { values: [{ key: 'api key', value: VALUE_1 }, { key: 'api secret', value: VALUE_3 }] } }) });
		expect(outcome.error).toBeUndefined();
		scan(op, producedText(outcome));
	}
});

test('User: Add and Organization: Create are the one place a token appears: in their output item, nowhere else', async () => {
	// a user of the fault organization: its token (a SECRET) is what the API answers
	const added = await runRow(h, { name: 'userAdd', parameters: params('userAdd', { email: 'second@fault-org.example' }) });
	expect(added.error).toBeUndefined();
	expect(added.output!.map((item) => item.json)).toEqual([{ organizationOemToken: SECRETS.token, email: 'second@fault-org.example' }]);
	// control: the scanner sees it there…
	expect(secretsIn(producedText(added), [SECRETS.token])).toHaveLength(1);
	// …and nowhere else: not in the task's other data, errors or logs
	for (const item of added.output!) delete item.json.organizationOemToken;
	scan('userAdd (output token removed)', producedText(added));

	const created = await runRow(h, { name: 'organizationCreate', parameters: params('organizationCreate') });
	const token = String(created.output![0].json.organizationOemToken);
	expect(h.sandbox.state().organizations.some((org) => org.organizationOemToken === token)).toBe(true);
	for (const item of created.output!) delete item.json.organizationOemToken;
	expect(secretsIn(producedText(created), [token, SECRETS.clientSecret])).toEqual([]);
});

test('success paths of the new operations: no secret anywhere', async () => {
	for (const op of ['upsert', 'userRemove', 'organizationCreate'] as const) {
		if (op === 'userRemove') {
			// a member to remove from the fault organization
			await runRow(h, { name: 'add', parameters: params('userAdd', { email: 'member@fault-org.example' }) });
		}
		const outcome = await runRow(h, { name: op, parameters: params(op) });
		expect(outcome.error).toBeUndefined();
		scan(op, producedText(outcome));
	}
});
