/**
 * The shared secret scanner: it finds a secret in every form a server or serialiser may echo
 * it in, whole or in part, and flags nothing in clean text.
 */
import { findSecrets, scanForSecrets } from './secrets';

const SECRET = 'Cs3c-Qw7Zk2Lp9Xv';
/** Characters JSON escapes, URLs encode and HTML references, and one outside the BMP. */
const ODD = 'CvA3-Lm4Qz8"Rt\\6 Yp9/Wk&<é𝄞+';

const jsonEscape = (text: string) => JSON.stringify(text).slice(1, -1);
const htmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

const FORMS: Array<[string, (secret: string) => string]> = [
	['as is', (s) => s],
	['in the middle of other text', (s) => `error: ${s} was rejected`],
	['an 8-character piece of it', (s) => `…${[...s].slice(3, 11).join('')}…`],
	['JSON-escaped', jsonEscape],
	['JSON-escaped twice', (s) => jsonEscape(jsonEscape(s))],
	['every character \\u-escaped', (s) => [...s].map((c) => (c.length > 1 ? jsonEscape(c) : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('')],
	['JSON with escaped slashes (PHP)', (s) => jsonEscape(s).replace(/\//g, '\\/')],
	['URL-encoded', encodeURIComponent],
	['URL-encoded, lowercase hex', (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase())],
	['URL-encoded twice', (s) => encodeURIComponent(encodeURIComponent(s))],
	['form-encoded', (s) => new URLSearchParams({ v: s }).toString().slice(2)],
	['HTML-escaped', htmlEscape],
	['decimal character references', (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join('')],
	['hexadecimal character references', (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('')],
	['JSON inside HTML', (s) => htmlEscape(jsonEscape(s))],
	['base64', (s) => Buffer.from(s).toString('base64')],
	['base64 after a prefix (another alignment)', (s) => Buffer.from(`Basic x:${s}`).toString('base64')],
	['base64url', (s) => Buffer.from(s).toString('base64url')],
	['its UTF-8 bytes read as Latin-1', (s) => Buffer.from(s, 'utf8').toString('latin1')],
	['upper case', (s) => s.toUpperCase()],
	['lower case', (s) => s.toLowerCase()],
	['split in two strings', (s) => JSON.stringify([s.slice(0, 9), s.slice(9)])],
];

describe.each([SECRET, ODD])('finds %s', (secret) => {
	test.each(FORMS)('%s', (_form, encode) => {
		expect(findSecrets(encode(secret), [secret])).toHaveLength(1);
	});
});

test('finds a secret shorter than a piece only whole', () => {
	expect(findSecrets('token=abc12', ['abc12'])).toHaveLength(1);
	expect(findSecrets('token=abc1', ['abc12'])).toEqual([]);
});

test('flags nothing in clean text, and ignores missing or empty secrets', () => {
	const clean = JSON.stringify({
		message: 'The client credentials were rejected (401): check the Client ID, Client Secret and Scope in the credential',
		token: Buffer.from('another-token-entirely').toString('base64'),
		url: `https://example.test/integrations/${encodeURIComponent('a/b c')}`,
	});
	expect(findSecrets(clean, [SECRET, ODD, undefined, ''])).toEqual([]);
});

test('reports each secret once per source, masked, with where and in which form', () => {
	const hits = scanForSecrets([SECRET], [
		{ name: 'log', text: `a ${SECRET} b ${SECRET}` },
		{ name: 'db', text: Buffer.from(`q=${SECRET}`).toString('base64') },
	]);
	expect(hits).toEqual([
		{ secret: 'Cs3…(16)', source: 'log', form: 'as is', context: expect.stringContaining('<SECRET>') },
		{ secret: 'Cs3…(16)', source: 'db', form: 'base64', context: expect.any(String) },
	]);
	expect(JSON.stringify(hits)).not.toContain(SECRET.slice(0, 8));
});

// Found by issue 20's adversarial pass: forms the old scanners caught.

/** The faults harness's old scanner (d7bebc4 test/faults/harness.ts secretsIn). */
function oldFaultsSecretsIn(text: string, secrets: readonly string[]): string[] {
	const found: string[] = [];
	for (const secret of secrets) {
		for (let i = 0; i + 8 <= secret.length; i++) {
			const piece = secret.slice(i, i + 8);
			if (text.includes(piece) || text.includes(encodeURIComponent(piece))) {
				found.push(secret);
				break;
			}
		}
	}
	return found;
}

// A non-Latin passphrase: URL-encoded it is one %-run (spaces are %20).
const CYRILLIC_SECRET = 'Пароль Секрет Ключ';

describe('URL-encoded secret next to a cut multi-byte character', () => {
	// An excerpt cut mid-character (or a byte a server added) in the same %-run as the secret.
	const texts = {
		'cut character after': `q=${encodeURIComponent(CYRILLIC_SECRET)}%D0`,
		'cut character before': `q=%81${encodeURIComponent(CYRILLIC_SECRET)}`,
		'latin-1 byte after': `q=${encodeURIComponent(CYRILLIC_SECRET)}%FF&x=1`,
	};
	it.each(Object.entries(texts))('what the old faults scanner caught is still caught (%s)', (_name, text) => {
		expect(oldFaultsSecretsIn(text, [CYRILLIC_SECRET])).toEqual([CYRILLIC_SECRET]);
		expect(findSecrets(text, [CYRILLIC_SECRET])).not.toEqual([]);
	});
});

describe('text that is not quite an encoding', () => {
	it('a character reference past the last code point is left as it is, and the scan goes on', () => {
		expect(findSecrets('&#x110000; &#99999999; s3cr3t-Value-42', ['s3cr3t-Value-42'])).not.toEqual([]);
	});
});

describe('whole secrets only', () => {
	it('finds the whole secret in every form, not a piece it shares with other text', () => {
		const secret = 'sandbox-client-secret';
		expect(scanForSecrets([secret], [{ name: 'sample', text: 'agent-secret-2' }], { pieces: false })).toEqual([]);
		expect(scanForSecrets([secret], [{ name: 'sample', text: 'agent-secret-2' }])).not.toEqual([]);
		expect(scanForSecrets([secret], [{ name: 'encoded', text: encodeURIComponent(JSON.stringify({ secret })) }], { pieces: false })).not.toEqual([]);
	});
});
