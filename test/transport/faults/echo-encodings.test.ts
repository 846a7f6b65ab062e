/**
 * Servers that echo the request they received in an encoding of their own: PHP's json_encode
 * (`\/`, `\uXXXX`), every character `\u`-escaped, URL and form encoding, HTML references, JSON
 * inside HTML, JSON quoted in JSON, base64. Each runs as a real HTTP server that reads the
 * request body and answers with every value in it so encoded: in a JSON error's message, and as
 * a 200 that is not JSON (shown as an excerpt). No secret may appear in any form, neither in the
 * node's errors nor in those of the editor's dropdown and field loader, which use the same path.
 * Last, servers that echo the raw body: cut off mid-value, or whole with a 3-character value.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { searchIntegrations } from '../../../nodes/OemIntegration/methods/listSearch';
import { getCredentialFields } from '../../../nodes/OemIntegration/methods/resourceMapping';
import { decimalReferences, form, hexReferences, html, htmlEntities, jsonEscape, lowerPercent, phpJson, unicodeEscape } from '../../helpers/echoForms';
import { loadOptionsContext } from '../../helpers/workflow';
import { FREE_VENDOR_ID, INTEGRATION_ID, SECRETS, TOKEN, VALUE_1, deepText, params, producedText, run, secretsIn, useFaultSandbox } from './harness';

const h = useFaultSandbox();

/** A value with the characters encodings treat differently: non-ASCII (one outside the BMP), quotes, slashes, &, <, +, space. */
const ECHO_VALUE = 'CvE5-Ää€𝄞 &<"/\\+~q9';
const SECRET_LIST = [SECRETS.clientSecret, SECRETS.token, SECRETS.value1, ECHO_VALUE];


const ENCODINGS: Array<[string, (text: string) => string]> = [
	["PHP's json_encode (\\/ and \\uXXXX for non-ASCII)", phpJson],
	['every character as \\uXXXX', (text) => unicodeEscape(text, true)],
	['URL-encoded, lowercase hex', lowerPercent],
	['form-encoded (+ for spaces)', form],
	['URL-encoded twice', (text) => encodeURIComponent(encodeURIComponent(text))],
	['HTML-escaped (&quot; &amp; &lt; &#039;)', html],
	["PHP's htmlentities (&auml; &euro;)", htmlEntities],
	['hexadecimal character references (&#x2f;)', hexReferences],
	['decimal character references (&#47;)', decimalReferences],
	['JSON inside an HTML page', (text) => html(jsonEscape(text))],
	['JSON quoted in JSON', (text) => jsonEscape(jsonEscape(text))],
	['base64', (text) => Buffer.from(text).toString('base64')],
];

/** Every string anywhere in a parsed body. */
function stringsIn(value: unknown): string[] {
	if (typeof value === 'string') return [value];
	if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
	return [];
}

/** How the echo server answers: which encoding, and where the echo goes; or its message made from the raw body. */
const echo = {
	encode: (text: string) => text,
	placement: 'message' as 'message' | 'page',
	raw: undefined as ((body: string) => string) | undefined,
};
let server: Server;
let echoUrl: string;

beforeAll(async () => {
	Object.assign(process.env, { FAULTS_ECHO_VALUE: ECHO_VALUE });
	server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let values: string[];
			try {
				values = stringsIn(JSON.parse(raw));
			} catch {
				values = [raw];
			}
			const echoed = echo.raw ? echo.raw(raw) : `Rejected: ${values.map((value) => echo.encode(value)).join(' | ')}`;
			if (echo.placement === 'message') {
				res.writeHead(400, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ status: 400, message: echoed }));
			} else {
				res.writeHead(200, { 'content-type': 'text/plain' });
				res.end(echoed);
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	echoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

const base64 = ENCODINGS[ENCODINGS.length - 1][1];

/** 8-character pieces of every secret, in the encoding; for base64, decoded from every run that looks like it. */
function encodedPiecesIn(text: string, encode: (text: string) => string): string[] {
	const found: string[] = [];
	for (const secret of SECRET_LIST) {
		const chars = [...secret];
		for (let i = 0; i + 8 <= chars.length; i++) {
			const piece = chars.slice(i, i + 8).join('');
			const hidden =
				encode === base64
					? (text.match(/[A-Za-z0-9+/=]{8,}/g) ?? []).some((run) =>
							[0, 1, 2, 3].some((skip) => Buffer.from(run.slice(skip), 'base64').toString('utf8').includes(piece)),
						)
					: text.includes(encode(piece));
			if (hidden) found.push(`${secret.slice(0, 4)}… (piece ${JSON.stringify(piece)})`);
		}
	}
	return found;
}

describe.each(['message', 'page'] as const)('the echo in %s', (placement) => {
	test.each(ENCODINGS)('%s', async (_name, encode) => {
		Object.assign(echo, { encode, placement });
		const outcome = await run(h, {
			parameters: params('create', {
				vendorId: { __rl: true, mode: 'id', value: FREE_VENDOR_ID },
				organizationOemToken: TOKEN,
				credentialValues: { values: [{ key: 'api key', value: VALUE_1 }, { key: 'api secret', value: '={{ $env.FAULTS_ECHO_VALUE }}' }] },
			}),
			credentials: { baseUrl: echoUrl },
		});
		expect(outcome.error?.message).toMatch(/^Could not create the integration/);
		// the echo reached the description, secrets replaced
		expect(outcome.error?.description).toMatch(/Rejected: .*\[redacted\]/);
		const produced = producedText(outcome);
		// (the scanner cuts pieces by UTF-16 unit: not for the value with a character outside the BMP)
		expect(secretsIn(produced, SECRET_LIST.slice(0, 3))).toEqual([]);
		expect(encodedPiecesIn(produced, (text) => text)).toEqual([]);
		expect(encodedPiecesIn(produced, encode)).toEqual([]);
		expect(deepText(outcome.error)).not.toContain(encode(ECHO_VALUE));
	});
});

describe("the editor's dropdown and field loader (the token typed in the parameter)", () => {
	test.each(ENCODINGS)('%s', async (_name, encode) => {
		Object.assign(echo, { encode, placement: 'message' });
		const context = () =>
			loadOptionsContext({ ...h.credentials, baseUrl: echoUrl }, {
				resource: 'integration',
				operation: 'update',
				organizationOemToken: SECRETS.token,
				integrationId: { __rl: true, mode: 'id', value: INTEGRATION_ID },
			} as never);
		for (const load of [() => searchIntegrations.call(context()), () => getCredentialFields.call(context())]) {
			const error = await load().then(
				() => undefined,
				(failure: unknown) => failure,
			);
			const { message, description } = error as { message: string; description?: string };
			expect(message).toMatch(/^Could not list the organization's integrations/);
			// what the editor shows (the error also holds the node, whose parameters hold the token as typed)
			const shown = `${message}\n${description}`;
			expect(shown).toMatch(/Rejected: .*\[redacted\]/);
			expect(secretsIn(shown, [SECRETS.clientSecret, SECRETS.token])).toEqual([]);
			expect(encodedPiecesIn(shown, encode)).toEqual([]);
		}
	});
});

describe('the raw request body echoed in the message', () => {
	const SHORT = 'Q7x';
	const create = () =>
		run(h, {
			parameters: params('create', {
				vendorId: { __rl: true, mode: 'id', value: FREE_VENDOR_ID },
				organizationOemToken: TOKEN,
				// (under a key that names no secret, so only the request's own secrets can hide the value)
				credentialValues: { values: [{ key: 'api user', value: VALUE_1 }, { key: 'pin', value: '={{ $env.FAULTS_SHORT_VALUE }}' }] },
			}),
			credentials: { baseUrl: echoUrl },
		});
	beforeAll(() => Object.assign(process.env, { FAULTS_SHORT_VALUE: SHORT }));
	afterEach(() => {
		echo.raw = undefined;
	});

	it('cut off by the server in the middle of a credential value: none of it is shown', async () => {
		echo.raw = (body) => `Invalid request body: ${body.slice(0, body.indexOf(SECRETS.value1) + 12)}`;
		const outcome = await create();
		expect(outcome.error?.description).toMatch(/Invalid request body: .*\[redacted\]$/);
		expect(secretsIn(producedText(outcome), SECRET_LIST.slice(0, 3))).toEqual([]);
	});

	it('a credential value of 3 characters is removed where it stands as a JSON value', async () => {
		echo.raw = (body) => `Invalid request body: ${body}`;
		const outcome = await create();
		const shown = `${outcome.error?.message}\n${outcome.error?.description}`;
		expect(shown).toContain('"pin":"[redacted]"');
		expect(shown).not.toContain(`"${SHORT}"`);
		expect(secretsIn(producedText(outcome), SECRET_LIST.slice(0, 3))).toEqual([]);
	});
});
