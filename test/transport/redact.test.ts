/**
 * Redaction rules without a server: every form a server commonly echoes a secret in, and the
 * token-shaped values an answer excerpt must not show although the node never sent them (a new
 * organization OEM token, a partner API key). The same rules against real echoing servers run in
 * test/faults/echo-encodings.test.ts.
 */
import { SCANNED_LENGTH, excerpt, redact, secretsOf } from '../../nodes/shared/transport/redact';

import { decimalReferences, form, hexReferences, html, htmlEntities, jsonEscape, lowerPercent, phpJson, unicodeEscape } from '../helpers/echoForms';

const ECHOES: Array<[string, (text: string) => string]> = [
	['as is', (text) => text],
	['JSON-escaped', jsonEscape],
	['JSON-escaped the PHP way (\\/ and \\uXXXX for non-ASCII)', phpJson],
	['with every character as \\uXXXX', (text) => unicodeEscape(text, true)],
	['URL-encoded', encodeURIComponent],
	['URL-encoded with lowercase hex', lowerPercent],
	['form-encoded (+ for spaces)', form],
	['URL-encoded twice', (text) => encodeURIComponent(encodeURIComponent(text))],
	['HTML-escaped (&quot; &amp; &lt; &#39;)', (text) => html(text, '&#39;')],
	["with PHP's htmlentities (&auml; &euro;)", htmlEntities],
	['as hexadecimal character references (&#x2F;)', (text: string) => hexReferences(text, true)],
	['as decimal character references (&#47;)', decimalReferences],
	['JSON-escaped inside an HTML page', (text) => html(jsonEscape(text))],
	['JSON-escaped twice (JSON quoted inside a JSON string)', (text) => jsonEscape(jsonEscape(text))],
	['JSON-escaped, then URL-encoded', (text) => encodeURIComponent(jsonEscape(text))],
	['HTML-escaped twice', (text) => html(html(text))],
];

const SECRET_VALUES = {
	clientSecret: 'client-secret-1',
	token: 'tok/en+1"x',
	value: 'välue key/1 &<€𝄞\\é\'~*',
};
const secrets = secretsOf(
	{ clientSecret: SECRET_VALUES.clientSecret },
	{ organizationOemToken: SECRET_VALUES.token, data: { integrationCredentials: { 'api key': SECRET_VALUES.value, short: 'abc' } } },
);

describe('a secret the request carried is removed in every form a server echoes it in', () => {
	describe.each(Object.entries(SECRET_VALUES))('%s', (_name, secret) => {
		it.each(ECHOES)('%s', (_how, encode) => {
			expect(redact(`before ${encode(secret)} after`, secrets)).toBe('before [redacted] after');
		});
	});

	it('inside base64 (the whole request encoded, at any alignment)', () => {
		for (const secret of Object.values(SECRET_VALUES).filter((s) => s.length >= 12)) {
			for (const prefix of ['', 'x', 'xy', '{"clientSecret":"']) {
				for (const variant of ['base64', 'base64url'] as const) {
					const blob = Buffer.from(`${prefix}${secret}","more":"data"}`).toString(variant);
					const shown = redact(`body: ${blob}`, secrets);
					expect(shown).toContain('[redacted]');
					// what is left of the blob no longer decodes to the secret, nor to 8 of its characters
					const rest = Buffer.from(shown.replace('body: ', '').replace('[redacted]', ''), variant).toString('utf8');
					for (let i = 0; i + 8 <= secret.length; i++) expect(rest).not.toContain(secret.slice(i, i + 8));
				}
			}
		}
	});

	it('values too short to matter are left alone, and so is everything else', () => {
		// (a start of a secret at the very end is a cut echo: see below)
		expect(redact('abc: a normal message, client-secret, tok/en', secrets)).toBe('abc: a normal message, client-secret, tok/en');
	});

	it.each([
		['a JSON string', '{"pin":"abc","kind":"abcd"}', '{"pin":"[redacted]","kind":"abcd"}'],
		['a JSON string, escaped in JSON', '{\\"pin\\":\\"abc\\"}', '{\\"pin\\":\\"[redacted]\\"}'],
		['a quoted word', "value 'abc' refused", "value '[redacted]' refused"],
		['a form field', 'pin=abc&site=abcd', 'pin=[redacted]&site=abcd'],
		['a URL-encoded form field', 'pin%3Dabc%26site', 'pin%3D[redacted]%26site'],
		['a key: value pair', 'pin: abc, site: xabc', 'pin: [redacted], site: xabc'],
	])('a secret shorter than 4 characters is removed where it is a whole value: %s', (_where, text, shown) => {
		expect(redact(text, secrets)).toBe(shown);
	});

	it('a short secret inside other words, or naming a key, is left alone', () => {
		const text = 'abc: the abcd of abc, abc-1 and {"abc":1}';
		expect(redact(text, secrets)).toBe(text);
	});

	it('the longest first, so a secret containing another goes whole', () => {
		const nested = secretsOf({ clientSecret: 'abcd' }, { organizationOemToken: 'abcd-efgh' });
		expect(redact('x abcd-efgh y', nested)).toBe('x [redacted] y');
	});

	it.each([
		['at the end of the text', 'rejected: client-secr', 'rejected: [redacted]'],
		['before a cut marker', 'rejected: {"x":"client-secr…"}', 'rejected: {"x":"[redacted]…"}'],
		['before three dots', 'rejected: client-secre... (cut)', 'rejected: [redacted]... (cut)'],
		['URL-encoded, before a cut marker', 'rejected: v%C3%A4lue%20key%2F...', 'rejected: [redacted]...'],
		['JSON-escaped at the end', 'rejected: \\"v\\u00e4lue key', 'rejected: \\"[redacted]'],
	])('the start of a secret where a server cut its echo: %s', (_where, text, shown) => {
		expect(redact(text, secrets)).toBe(shown);
	});

	it('a cut start shorter than 8 characters, or one followed by more text, is left alone', () => {
		expect(redact('rejected: client-', secrets)).toBe('rejected: client-');
		expect(redact('rejected: client-secr and more', secrets)).toBe('rejected: client-secr and more');
	});

	it('an excerpt is cut after redaction, so no secret is cut in half', () => {
		expect(excerpt(`${'x'.repeat(8)}client-secret-1`, secrets, 12)).toBe('xxxxxxxx[red…');
		expect(excerpt('  spaced\n\nout  ', secrets, 100)).toBe('spaced out');
	});
});

describe('a huge answer: only its start is scanned', () => {
	const only = secretsOf({ clientSecret: 'client-secret-1' }, {});

	it('a secret the scan cuts through is removed as far as it goes, however little of it is left', () => {
		// Spaces collapse to one, so what lies past the scanned part would be shown if not removed.
		for (let spaces = SCANNED_LENGTH; spaces < SCANNED_LENGTH + 400; spaces++) {
			const shown = excerpt(`${' '.repeat(spaces)}client-secret-1 tail`, only, 200);
			expect(shown).toMatch(/^(\[redacted\]( t?a?i?l?)?)?…?$/);
		}
	});

	it('a JSON answer is still cleaned by key when its secret value lies past the scanned part', () => {
		const body = { padding: 'x'.repeat(2 * SCANNED_LENGTH), partnerApiKey: 'pk_0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3' };
		const shown = excerpt(JSON.stringify(body, null, 0), only, 100_000);
		expect(shown).toMatch(/^\{"padding":"x+…$/);
		expect(shown).not.toContain('pk_0a1b');
	});
});

describe('an answer excerpt shows no token-shaped value, although the request did not carry it', () => {
	const none = secretsOf({}, {});
	const TOKEN = 'oem-9f8e7d6c5b4a39281706f5e4d3c2b1a0f9e8d7c6';
	const PARTNER = 'pk_0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3';

	it.each([
		['under another path of a JSON answer', { status: 201, data: { organizationOemToken: TOKEN } }],
		['deep in arrays', { results: [{ org: { organizationOemToken: TOKEN } }] }],
		['under keys such as token, partnerApiKey, secret', { token: TOKEN, nested: { partnerApiKey: PARTNER, client_secret: 'short-Secret-1' } }],
		['under an integration credentials map', { integration: { integrationCredentials: { 'api user': 'some-user-name' } } }],
	])('%s', (_name, body) => {
		const shown = excerpt(JSON.stringify(body), none, 1000);
		for (const value of [TOKEN, PARTNER, 'short-Secret-1', 'some-user-name']) expect(shown).not.toContain(value);
		expect(shown).toContain('[redacted]');
	});

	it('keeps the keys and the other values, so the excerpt still says what came', () => {
		const shown = excerpt(JSON.stringify({ status: 201, message: 'Created', data: { organizationOemToken: TOKEN, id: '67ae3bcff05cb32e0cb6f001' } }), none, 1000);
		expect(shown).toBe('{"status":201,"message":"Created","data":{"organizationOemToken":"[redacted]","id":"67ae3bcff05cb32e0cb6f001"}}');
	});

	it.each([
		['form-encoded', `organizationOemToken=${TOKEN}&status=201`],
		['cut-off JSON', `{"status":201,"data":{"organizationOemToken":"${TOKEN}","na`],
		['a text line', `Created. Your token: ${TOKEN}`],
		['HTML-escaped JSON in a page', `<pre>{&quot;partnerApiKey&quot;:&quot;${PARTNER}&quot;}</pre>`],
		['an HTML table cell (a long opaque value, whatever its label)', `<td>Key</td><td>${TOKEN}</td>`],
		['an Authorization header echoed', `Authorization: Bearer ${PARTNER}`],
	])('in an answer that is not JSON: %s', (_name, text) => {
		const shown = excerpt(text, none, 1000);
		expect(shown).not.toContain(TOKEN.slice(4, 20));
		expect(shown).not.toContain(PARTNER.slice(3, 20));
		expect(shown).toContain('[redacted]');
	});

	it('leaves ids, words and numbers alone', () => {
		const text = 'Cannot PATCH /api/oem-api/integration/67ae3bcff05cb32e0cb6f001 (request 1234567890, token missing)';
		expect(excerpt(text, none, 1000)).toBe(text);
	});
});
