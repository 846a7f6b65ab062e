/** Reading an answer's body as text, whatever form n8n's helper gave it in. A leaf: imports nothing of ours. */
export function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export function bodyText(body: unknown): string {
	if (typeof body === 'string') return body;
	if (body === undefined || body === null) return '';
	return Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body);
}

export function looksLikeHtml(text: string): boolean {
	return /^\s*</.test(text);
}
