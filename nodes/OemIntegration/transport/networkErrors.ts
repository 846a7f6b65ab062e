/** Failures that prove the request never reached the server (a TLS failure ends before the body is sent). */
export const NOT_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT'];
export const TIMEOUT_CODES = ['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT'];
export const RESET_CODES = ['ECONNRESET', 'EPIPE'];
export const CANCELED_CODE = 'ERR_CANCELED';
const KNOWN_CODES = [...NOT_SENT_CODES, ...TIMEOUT_CODES, ...RESET_CODES, CANCELED_CODE];

/**
 * The network error code behind a failed request. n8n wraps the HTTP client's error in a
 * NodeApiError that drops the original (and its code) but keeps its message among `messages`,
 * so the code is read from there too: "connect ECONNREFUSED …", "timeout of 500ms exceeded".
 */
export function networkCodeOf(error: unknown): string {
	const texts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, message, messages, cause } = current as {
			code?: unknown;
			message?: unknown;
			messages?: unknown;
			cause?: unknown;
		};
		if (typeof code === 'string' && KNOWN_CODES.includes(code)) return code;
		if (Array.isArray(messages)) texts.push(...messages.filter((m): m is string => typeof m === 'string'));
		if (typeof message === 'string') texts.push(message);
		current = cause;
	}
	for (const text of texts) {
		const code = KNOWN_CODES.find((known) => new RegExp(`\\b${known}\\b`).test(text));
		if (code) return code;
		if (/timeout of \d+ms exceeded|timed out/i.test(text)) return 'ETIMEDOUT';
		if (/socket hang up|closed the connection/i.test(text)) return 'ECONNRESET';
		if (/certificate|\bSSL\b|\bTLS\b/i.test(text)) return 'CERT';
		if (/^canceled$|cancell?ed/i.test(text.trim())) return CANCELED_CODE;
	}
	return 'UNKNOWN';
}
