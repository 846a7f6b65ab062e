/**
 * Secrets out of every text the node shows. Two kinds:
 *  - the secrets a request carried (client secret, organization OEM token, credential values),
 *    removed in every form a server commonly echoes them in;
 *  - token-shaped values in an answer, which the request did not carry and the node therefore
 *    cannot know (a new organization's token, a partner API key), removed from answer excerpts.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { Secrets } from './types';

const REDACTED = '[redacted]';

/**
 * Values that must never reach an error message, description or output item: the client secret,
 * the organization OEM token and every integration credential value the request carries.
 */
export function secretsOf(credentials: ICredentialDataDecryptedObject, body: Record<string, unknown>): Secrets {
	const secrets = [credentials.clientSecret, body.organizationOemToken];
	const data = body.data as { integrationCredentials?: Record<string, unknown> } | undefined;
	const values = data?.integrationCredentials;
	if (values) secrets.push(...Object.keys(values).map((key) => values[key]));
	const given = secrets.filter((s): s is string => typeof s === 'string');
	// Very short values would garble every message they occur in if removed wherever they occur.
	const plain = given.filter((s) => s.length >= MIN_LENGTH);
	const distinct = (list: string[]) => [...new Set(list)].filter((s) => s.length >= MIN_LENGTH);
	return {
		decoded: distinct(plain.map((secret) => decoded(secret).text)),
		literal: distinct([...plain, ...plain.flatMap(base64Parts)]),
		short: [...new Set(given.map((secret) => decoded(secret).text))].filter((s) => s.length < MIN_LENGTH && s.trim() !== ''),
	};
}

const MIN_LENGTH = 4;

/**
 * The text with every secret replaced, whether it comes as sent, escaped or encoded (once or more,
 * in any mix; see `decodeOnce`), or inside base64; and so is the start of a secret where the
 * text was cut (see `cutStarts`), and a short secret where it stands alone (see `standsAlone`).
 * `cutOff`: the node cut the text at its end, so any start of a secret there goes, however short.
 */
export function redact(text: string, secrets: Secrets, { cutOff = false } = {}): string {
	if (!secrets.decoded.length && !secrets.literal.length && !secrets.short.length) return text;
	const spans: Array<[number, number]> = [];
	const find = (haystack: string, needles: string[], span: (at: number, length: number) => [number, number]) => {
		const ends = cutEnds(haystack);
		for (const needle of needles) {
			for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) spans.push(span(at, needle.length));
			for (const [at, length] of cutStarts(haystack, needle, ends, cutOff ? 1 : MIN_CUT)) spans.push(span(at, length));
		}
	};
	find(text, secrets.literal, (at, length) => [at, at + length]);
	const view = decoded(text);
	const original = (at: number, length: number): [number, number] =>
		view.start && view.end ? [view.start[at], view.end[at + length - 1]] : [at, at + length];
	find(view.text, secrets.decoded, original);
	find(view.text, secrets.literal.map(formSpaces), original);
	for (const secret of secrets.short) {
		for (let at = view.text.indexOf(secret); at >= 0; at = view.text.indexOf(secret, at + 1)) {
			if (standsAlone(view.text, at, secret.length)) spans.push(original(at, secret.length));
		}
	}
	if (!spans.length) return text;
	spans.sort((a, b) => a[0] - b[0]);
	let result = '';
	let shownFrom = 0;
	for (let i = 0; i < spans.length; ) {
		const from = spans[i][0];
		let to = spans[i][1];
		// overlapping finds (a secret inside another, two forms of one) become one replacement
		for (i++; i < spans.length && spans[i][0] < to; i++) to = Math.max(to, spans[i][1]);
		result += `${text.slice(shownFrom, from)}${REDACTED}`;
		shownFrom = to;
	}
	return `${result}${text.slice(shownFrom)}`;
}

/**
 * How much of an answer the node looks at for an excerpt or a page title: far more than it shows,
 * and little enough that scanning it never holds the node (an answer can be megabytes).
 */
export const SCANNED_LENGTH = 16 * 1024;

/** The most characters one character of a secret takes when echoed encoded (`&#x10FFFF;`). */
const MAX_ECHO_WIDTH = 10;

/**
 * At most `max` characters of (part of) an answer: the request's secrets and every token-shaped
 * value removed before it is cut, so none is cut in half.
 */
export function excerpt(text: string, secrets: Secrets, max: number): string {
	// A JSON answer is cleaned by key whole (cut, it would no longer parse; this is linear). Then
	// only its start is scanned, long enough for a secret starting within SCANNED_LENGTH to be
	// found whole; one the cut goes through is removed as far as it goes (`cutOff`).
	const whole = withoutSecretValues(text);
	const end = SCANNED_LENGTH + MAX_ECHO_WIDTH * Math.max(0, ...secrets.literal.map((secret) => secret.length));
	const cutOff = whole.length > end;
	const start = cutOff ? whole.slice(0, end) : whole;
	// The secrets first: the token rules may stop at a character inside a secret's echo.
	const clean = withoutTokenShapes(redact(start, secrets, { cutOff })).replace(/\s+/g, ' ').trim();
	return clean.length > max || cutOff ? `${clean.slice(0, max)}…` : clean;
}

/** Where a value ends: the text, a space, or a separator of JSON, forms, lists or tags. */
const VALUE_END = /[\s&,;"'}\])<]/;

const isBlank = (char: string | undefined) => char === ' ' || char === '\t';

/**
 * Whether the `length` characters at `at` are a whole value: a quoted string that is not a key
 * (`"Q7x"`, not `"Q7x":`), or what follows `key=` or `key:` up to the value's end. Short secrets
 * are removed only there: anywhere else they are as likely part of other words.
 */
function standsAlone(text: string, at: number, length: number): boolean {
	const before = text[at - 1];
	const after = text[at + length];
	if ((before === '"' || before === "'") && after === before) {
		let next = at + length + 1;
		while (isBlank(text[next])) next++;
		return text[next] !== ':';
	}
	if (after !== undefined && !VALUE_END.test(after)) return false;
	let key = at - 1;
	while (isBlank(text[key])) key--;
	return text[key] === '=' || text[key] === ':';
}

// ---------------------------------------------------------------------------------------------
// Cut echoes
//
// A server that echoes only the start of what it rejected can cut a secret in half. Where the
// text ends, or where a marker says it was cut, a run that is the start of a secret (at least
// MIN_CUT characters, so that ordinary words are left alone) goes too.

const MIN_CUT = 8;
const CUT_MARKER = /…|\.\.\./g;

/** Where a text may have been cut: before each cut marker, and its end. In order. */
function cutEnds(text: string): number[] {
	const ends: number[] = [];
	CUT_MARKER.lastIndex = 0;
	for (let match = CUT_MARKER.exec(text); match; match = CUT_MARKER.exec(text)) ends.push(match.index);
	ends.push(text.length);
	return ends;
}

/** For each length, the longest proper start of `needle` that also ends its first that many characters (KMP). */
function borders(needle: string): number[] {
	const border = [0];
	for (let i = 1, length = 0; i < needle.length; i++) {
		while (length > 0 && needle[i] !== needle[length]) length = border[length - 1];
		if (needle[i] === needle[length]) length++;
		border.push(length);
	}
	return border;
}

/**
 * `[at, length]` of the longest start of `needle` (MIN_CUT characters or more, `leastAtEnd` at the
 * end of the text; not all of it) that ends at each of `ends`. One left-to-right pass over the
 * characters just before the ends.
 */
function cutStarts(haystack: string, needle: string, ends: number[], leastAtEnd: number): Array<[number, number]> {
	if (needle.length <= Math.min(MIN_CUT, leastAtEnd)) return [];
	const border = borders(needle);
	const found: Array<[number, number]> = [];
	// how many of the needle's first characters the text up to `at` ends with
	let matched = 0;
	let at = 0;
	for (const end of ends) {
		const from = end - needle.length + 1;
		if (at < from) {
			at = from;
			matched = 0;
		}
		for (; at < end; at++) {
			while (matched > 0 && haystack[at] !== needle[matched]) matched = border[matched - 1];
			if (haystack[at] === needle[matched]) matched++;
			// a whole one is found by indexOf; go on with the longest start it ends with
			if (matched === needle.length) matched = border[matched - 1];
		}
		if (matched >= (end === haystack.length ? leastAtEnd : MIN_CUT)) found.push([end - matched, matched]);
	}
	return found;
}

// ---------------------------------------------------------------------------------------------
// Echo forms
//
// A server may echo a secret JSON- or JavaScript-escaped (`\"`, `\/`, `\uXXXX` of any character),
// URL- or form-encoded (`%XX` of its UTF-8 or Latin-1 bytes, `+` for a space), as HTML character
// references (`&quot;`, `&#47;`, `&#x2F;`, `&auml;`), encoding only some characters or all, and
// one encoding inside another (JSON in an HTML page, JSON quoted in JSON, double URL encoding).
// Rather than list every form of every secret, both the answer and the secrets are decoded the
// same way until nothing changes, and the decoded secrets are looked for in the decoded answer;
// each decoded character remembers where in the answer it came from, so the answer's own text
// is what gets replaced. `+` and space count as the same character.

/** HTML 4's named references for U+00A0–U+00FF, in order, as PHP's htmlentities writes them. */
const LATIN1_NAMES =
	'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para ' +
	'middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave ' +
	'Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc ' +
	'Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc ' +
	'iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

/** Named references for ASCII punctuation (HTML5), the upper-case forms HTML allows, and a few others. */
const OTHER_NAMES: Record<string, string> = {
	Tab: '\t', NewLine: '\n', excl: '!', quot: '"', QUOT: '"', num: '#', dollar: '$', percnt: '%', amp: '&', AMP: '&',
	apos: "'", lpar: '(', rpar: ')', ast: '*', plus: '+', comma: ',', period: '.', sol: '/', colon: ':', semi: ';',
	lt: '<', LT: '<', equals: '=', gt: '>', GT: '>', quest: '?', commat: '@', lsqb: '[', bsol: '\\', rsqb: ']', Hat: '^',
	lowbar: '_', grave: '`', lcub: '{', verbar: '|', rcub: '}', euro: '€', ndash: '–', mdash: '—',
};

const ENTITIES = new Map<string, string>(Object.entries(OTHER_NAMES));
LATIN1_NAMES.split(' ').forEach((name, index) => ENTITIES.set(name, String.fromCharCode(0xa0 + index)));

/** What follows a backslash in JSON and JavaScript strings (and PHP's addslashes). */
const BACKSLASH_ESCAPES: Record<string, string> = {
	b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '"': '"', "'": "'", '/': '/', '\\': '\\',
};

/** A text decoded, and for each of its UTF-16 units the span of the original it came from (none: the same). */
interface DecodedText {
	text: string;
	start?: number[];
	end?: number[];
}

/** The UTF-8 sequence (or else one Latin-1 character) that a run of bytes starts with. */
function firstCharacter(bytes: number[]): { char: string; length: number } {
	const lead = bytes[0];
	const length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 1;
	if (length > 1 && bytes.length >= length && bytes.slice(1, length).every((b) => b >= 0x80 && b <= 0xbf)) {
		const text = Buffer.from(bytes.slice(0, length)).toString('utf8');
		if (!text.includes('\ufffd')) return { char: text, length };
	}
	return { char: String.fromCharCode(lead), length: 1 };
}

/** The escape or encoded character at `at`, if one starts there. */
function tokenAt(text: string, at: number): { char: string; length: number } | undefined {
	const c = text[at];
	if (c === '\\') {
		const next = text[at + 1];
		if (next === 'u' || next === 'U') {
			const digits = /^[0-9a-fA-F]{4}/.exec(text.slice(at + 2, at + 6));
			if (digits) return { char: String.fromCharCode(parseInt(digits[0], 16)), length: 6 };
		}
		const char = next === undefined ? undefined : BACKSLASH_ESCAPES[next];
		return char === undefined ? undefined : { char, length: 2 };
	}
	if (c === '%') {
		const bytes: number[] = [];
		for (let i = at; bytes.length < 4 && /^%[0-9a-fA-F]{2}$/.test(text.slice(i, i + 3)); i += 3) bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
		if (!bytes.length) return undefined;
		const { char, length } = firstCharacter(bytes);
		return { char, length: length * 3 };
	}
	if (c === '&') {
		const reference = /^&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,10}));/.exec(text.slice(at, at + 14));
		if (!reference) return undefined;
		const [whole, decimal, hexadecimal, name] = reference;
		const code = decimal !== undefined ? parseInt(decimal, 10) : hexadecimal !== undefined ? parseInt(hexadecimal, 16) : undefined;
		if (code !== undefined) return code <= 0x10ffff ? { char: String.fromCodePoint(code), length: whole.length } : undefined;
		const char = ENTITIES.get(name);
		return char === undefined ? undefined : { char, length: whole.length };
	}
	return undefined;
}

const ENCODING_STARTS = /[\\%&]/g;

/**
 * One decoding pass, left to right (what a token decodes to is not decoded again in the same
 * pass); undefined when there is nothing to decode.
 */
function decodeOnce(text: string): { text: string; from: number[]; to: number[] } | undefined {
	const parts: string[] = [];
	const from: number[] = [];
	const to: number[] = [];
	let copied = 0;
	const copyUpTo = (end: number) => {
		parts.push(text.slice(copied, end));
		for (let at = copied; at < end; at++) {
			from.push(at);
			to.push(at + 1);
		}
	};
	ENCODING_STARTS.lastIndex = 0;
	for (let match = ENCODING_STARTS.exec(text); match; match = ENCODING_STARTS.exec(text)) {
		const token = tokenAt(text, match.index);
		if (!token) continue;
		copyUpTo(match.index);
		parts.push(token.char);
		for (let unit = 0; unit < token.char.length; unit++) {
			from.push(match.index);
			to.push(match.index + token.length);
		}
		copied = match.index + token.length;
		ENCODING_STARTS.lastIndex = copied;
	}
	if (!parts.length) return undefined;
	copyUpTo(text.length);
	return { text: parts.join(''), from, to };
}

/** Up to this many layers of encoding are undone (JSON in JSON in an HTML page has three). */
const MAX_LAYERS = 4;

/** The text decoded until nothing changes, `+` read as a space. */
function decoded(text: string): DecodedText {
	let view: DecodedText = { text };
	for (let layer = 0; layer < MAX_LAYERS; layer++) {
		const pass = decodeOnce(view.text);
		if (!pass) break;
		const { start, end } = view;
		view = {
			text: pass.text,
			start: start ? pass.from.map((at) => start[at]) : pass.from,
			end: end ? pass.to.map((at) => end[at - 1]) : pass.to,
		};
	}
	return { ...view, text: formSpaces(view.text) };
}

const formSpaces = (text: string) => text.replace(/\+/g, ' ');

/** The parts of a secret's base64 encodings (standard and URL-safe) that depend on it alone, at each of the three alignments. */
function base64Parts(secret: string): string[] {
	const bytes = Buffer.from(secret, 'utf8');
	if (bytes.length < 8) return [];
	const parts: string[] = [];
	for (let offset = 0; offset < 3; offset++) {
		const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
		const part = encoded.slice(Math.ceil((offset * 8) / 6), Math.floor(((offset + bytes.length) * 8) / 6));
		parts.push(part, part.replace(/\+/g, '-').replace(/\//g, '_'));
	}
	return parts;
}

// ---------------------------------------------------------------------------------------------
// Token-shaped values in an answer

/** Keys whose values are secrets, whatever the service: compared lowercase, without separators. */
const SECRET_KEY = /token|secret|passw(or)?d|apikey|accesskey|privatekey|credential|authorization|signature/;

const isSecretKey = (key: string) => SECRET_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, ''));

/** Every string and number under a secret key replaced; keys and everything else kept. */
function cleanJson(value: unknown, hidden: boolean): unknown {
	if (Array.isArray(value)) return value.map((entry) => cleanJson(entry, hidden));
	if (value !== null && typeof value === 'object') {
		// Without a prototype, so that a `__proto__` key stays a plain key.
		const out = Object.create(null) as Record<string, unknown>;
		for (const [key, entry] of Object.entries(value)) out[key] = cleanJson(entry, hidden || isSecretKey(key));
		return out;
	}
	if (!hidden) return value;
	return (typeof value === 'string' && value !== '') || typeof value === 'number' ? REDACTED : value;
}

/** A quote as plain text, HTML or a JSON escape shows it. */
const QUOTE = String.raw`(?:["']|\\["']|&quot;|&#0*3[49];|&#[xX]0*2[27];|&apos;)`;
/**
 * `key: value`, `key=value`, `"key":"value"` (also HTML-escaped or cut off) where the key names a
 * secret; the value runs to the next quote, space, tag or separator. Linear: the key's suffix is
 * bounded and no two parts can take the same spaces, so a long answer is not scanned again from
 * every key word in it.
 */
const KEYED_VALUE = new RegExp(
	String.raw`((?:token|secret|passw(?:or)?d|api[ _-]?key|access[ _-]?key|private[ _-]?key|authorization|signature)[\w.-]{0,40}${QUOTE}?\s*[:=]\s*(?:${QUOTE}\s*)?(?:(?:Bearer|Basic)\s+)?)([^\s"'<>&,;{}()[\]\\]{8,})`,
	'gi',
);
/** A long opaque run of letters and digits: how tokens and keys look, whatever labels them. */
const OPAQUE_RUN = /[A-Za-z0-9+_=-]{32,}/g;

/** A JSON answer with every value under a secret key replaced, re-serialised; any other text as it is. */
function withoutSecretValues(text: string): string {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		return text;
	}
	if (json === null || typeof json !== 'object') return text;
	try {
		return JSON.stringify(cleanJson(json, false));
	} catch {
		// Nested too deeply to rebuild (the call stack runs out): the text rules still apply.
		return text;
	}
}

/** A text with every token-shaped value replaced: after a key naming a secret, or by its shape. */
function withoutTokenShapes(text: string): string {
	return text
		.replace(KEYED_VALUE, (_match, keyPart: string) => `${keyPart}${REDACTED}`)
		.replace(OPAQUE_RUN, (run) => (/\d/.test(run) && /[A-Za-z]/.test(run) ? REDACTED : run));
}
