/** Everything a run produced, as text: errors with all their own properties, stacks and causes. */
export function serialiseDeep(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, function replacer(_key, current: unknown) {
		if (current instanceof Error) {
			const plain: Record<string, unknown> = { stack: current.stack, message: current.message, cause: current.cause };
			for (const name of Object.getOwnPropertyNames(current)) plain[name] = (current as unknown as Record<string, unknown>)[name];
			return plain;
		}
		if (current && typeof current === 'object') {
			if (seen.has(current)) return '[circular]';
			seen.add(current);
		}
		return current;
	});
}

/**
 * The one secret scanner of every suite (unit, faults, e2e). A secret counts as found when the
 * text holds it, or any 8-character piece of it (a parser or a cut excerpt may quote only part
 * of a value), in any of the forms servers and serialisers echo it in: as is, JSON-escaped
 * (also twice), URL- or form-encoded (also twice), HTML-escaped or as character references,
 * base64 at any alignment, the UTF-8 bytes read as Latin-1 (files scanned as bytes), or in
 * another letter case. Rather than encoding every piece every way, the text is decoded into
 * those views and each view is searched for the plain pieces.
 */
const PIECE_LENGTH = 8;

export interface ScanSource {
	name: string;
	text: string;
}

export interface SecretHit {
	/** the secret's first 3 characters and its length: reports never repeat a secret */
	secret: string;
	source: string;
	/** the form it was found in, e.g. "as is", "URL-encoded", "base64" */
	form: string;
	/** up to 60 characters either side, the piece found masked */
	context: string;
}

const decodeJson = (text: string) =>
	text.replace(/\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g, (_all, hex: string | undefined, char: string | undefined) =>
		hex ? String.fromCharCode(parseInt(hex, 16)) : ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' } as Record<string, string>)[char!] ?? char!,
	);

/** Each %-run as the UTF-8 it holds; a cut or stray byte becomes U+FFFD alone, the rest stays readable. */
const decodeUrl = (text: string) =>
	text.replace(/\+/g, ' ').replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));

const HTML_NAMED: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: '\u00a0' };
const decodeHtml = (text: string) =>
	text.replace(/&(?:#[xX]([0-9a-fA-F]+)|#(\d+)|([a-zA-Z]+));/g, (all, hex: string | undefined, decimal: string | undefined, name: string | undefined) => {
		const codePoint = hex ? parseInt(hex, 16) : decimal ? parseInt(decimal, 10) : undefined;
		// A reference past the last code point is no character: left as it is rather than thrown on.
		if (codePoint !== undefined) return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : all;
		return HTML_NAMED[name!] ?? all;
	});

/** Every run that looks like base64 (or base64url), decoded at each of the 4 alignments. */
const decodeBase64 = (text: string) =>
	(text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [])
		.flatMap((run) => [0, 1, 2, 3].map((skip) => Buffer.from(run.slice(skip), 'base64').toString('utf8')))
		.join('\n');

/** Text read as Latin-1 (a file's bytes) seen as the UTF-8 it holds. */
const decodeLatin1Bytes = (text: string) => Buffer.from(text, 'latin1').toString('utf8');

const DECODERS: Array<[string, (text: string) => string]> = [
	['JSON-escaped', decodeJson],
	['URL-encoded', decodeUrl],
	['HTML-escaped', decodeHtml],
];

/** The text as is and decoded each way (the text-level decoders once and twice). */
function viewsOf(text: string): Array<{ form: string; text: string; foldCase?: boolean }> {
	const views = [{ form: 'as is', text }];
	for (const [outer, decodeOuter] of DECODERS) {
		const once = decodeOuter(text);
		if (once !== text) views.push({ form: outer, text: once });
		for (const [inner, decodeInner] of DECODERS) {
			const twice = decodeInner(once);
			if (twice !== once) views.push({ form: `${inner} in ${outer}`, text: twice });
		}
	}
	views.push({ form: 'base64', text: decodeBase64(text) }, { form: 'UTF-8 read as Latin-1', text: decodeLatin1Bytes(text) });
	return [...views, { form: 'in another letter case', text: text.toLowerCase(), foldCase: true }];
}

/** A secret's pieces: every run of 8 characters (code points), or the whole secret when shorter. */
function piecesOf(secret: string, pieces: boolean): string[] {
	const chars = [...secret];
	if (!pieces || chars.length <= PIECE_LENGTH) return [secret];
	return Array.from({ length: chars.length - PIECE_LENGTH + 1 }, (_, i) => chars.slice(i, i + PIECE_LENGTH).join(''));
}

const label = (secret: string) => `${secret.slice(0, 3)}…(${secret.length})`;

/** The pieces by their length in UTF-16 units, each naming its secret; with `foldCase`, lower-cased. */
function pieceTable(secrets: string[], foldCase: boolean, pieces: boolean): Map<number, Map<string, string>> {
	const table = new Map<number, Map<string, string>>();
	for (const secret of secrets) {
		for (const piece of piecesOf(secret, pieces)) {
			const key = foldCase ? piece.toLowerCase() : piece;
			if (!table.has(key.length)) table.set(key.length, new Map());
			table.get(key.length)!.set(key, secret);
		}
	}
	return table;
}

/** Each secret found in each source, once per source (the first form it shows up in). */
export interface ScanOptions {
	/**
	 * Whether an 8-character piece counts (default) or only the whole secret. Whole only where the
	 * scanned files hold the test's own non-secret sample values, which may share a piece with a
	 * secret, and nothing cuts values short (n8n's database, log and user folder).
	 */
	pieces?: boolean;
}

export function scanForSecrets(secrets: Array<string | undefined>, sources: ScanSource[], options: ScanOptions = {}): SecretHit[] {
	const pieces = options.pieces ?? true;
	const wanted = [...new Set(secrets.filter((s): s is string => typeof s === 'string' && s.length > 0))];
	const tables = { exact: pieceTable(wanted, false, pieces), folded: pieceTable(wanted, true, pieces) };
	const hits: SecretHit[] = [];
	for (const source of sources) {
		const found = new Set<string>();
		for (const view of viewsOf(source.text)) {
			for (const [length, pieces] of view.foldCase ? tables.folded : tables.exact) {
				for (let at = 0; at + length <= view.text.length; at++) {
					const piece = view.text.slice(at, at + length);
					const secret = pieces.get(piece);
					if (secret === undefined || found.has(secret)) continue;
					found.add(secret);
					const context = view.text.slice(Math.max(0, at - 60), at + length + 60).split(piece).join('<SECRET>');
					hits.push({ secret: label(secret), source: source.name, form: view.form, context });
				}
			}
		}
	}
	return hits;
}

/** The secrets that occur in the text, in any form (see above); a passing test expects none. */
export function findSecrets(text: string, secrets: Array<string | undefined>): string[] {
	return scanForSecrets(secrets, [{ name: 'text', text }]).map((hit) => `${hit.secret} ${hit.form}`);
}

/**
 * What our node produced in a run: its task data (output items, error items, error) and the
 * run's error. The input items are left out: the secrets the test feeds in are there by design.
 */
export function nodeRunText(result: { run: { data: { resultData: { error?: unknown } } }; task: unknown }): string {
	return serialiseDeep([result.task, result.run.data.resultData.error]);
}
