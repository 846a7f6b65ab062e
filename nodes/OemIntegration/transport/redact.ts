import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * Values that must never reach an error message, description or output item: the client secret,
 * the organization OEM token and every integration credential value the request carries.
 */
export function secretsOf(credentials: ICredentialDataDecryptedObject, body: Record<string, unknown>): string[] {
	const secrets = [credentials.clientSecret, body.organizationOemToken];
	const data = body.data as { integrationCredentials?: Record<string, unknown> } | undefined;
	const values = data?.integrationCredentials;
	if (values) secrets.push(...Object.keys(values).map((key) => values[key]));
	// Very short values are not meaningful secrets and would garble every message they occur in.
	const plain = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
	// A server that echoes the request may quote a secret JSON-escaped or URL-encoded.
	const forms = plain.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), safeEncode(s)]);
	// Longest first, so a secret that contains another is removed whole.
	return [...new Set(forms)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

function safeEncode(text: string): string {
	try {
		return encodeURIComponent(text);
	} catch {
		return text;
	}
}

export function redact(text: string, secrets: string[]): string {
	let result = text;
	for (const secret of secrets) result = result.split(secret).join('[redacted]');
	return result;
}

/** At most `max` characters of an answer, secrets removed before it is cut (so none is cut in half). */
export function excerpt(text: string, secrets: string[], max: number): string {
	const clean = redact(text, secrets).replace(/\s+/g, ' ').trim();
	return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
