/** Refused, or the host not found: the request never left. */
export const CONNECT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];
/**
 * A failed certificate check (Node's and OpenSSL's codes): it ends the TLS handshake before a byte
 * of the request is sent. Any other TLS error may come while the answer is read.
 */
export const CERTIFICATE_CODES = [
	'CERT_HAS_EXPIRED',
	'CERT_NOT_YET_VALID',
	'CERT_REVOKED',
	'CERT_UNTRUSTED',
	'CERT_REJECTED',
	'CERT_SIGNATURE_FAILURE',
	'CERT_CHAIN_TOO_LONG',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_GET_ISSUER_CERT',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
	'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
	'ERROR_IN_CERT_NOT_BEFORE_FIELD',
	'ERROR_IN_CERT_NOT_AFTER_FIELD',
	'INVALID_CA',
	'INVALID_PURPOSE',
	'PATH_LENGTH_EXCEEDED',
	'HOSTNAME_MISMATCH',
	'ERR_TLS_CERT_ALTNAME_INVALID',
];
/** The execution was stopped before the request was sent: the node's own code, no network's. */
export const CANCELED_UNSENT_CODE = 'ERR_CANCELED_BEFORE_SENDING';
/** Failures that prove the request never reached the server. */
export const NOT_SENT_CODES = [...CONNECT_CODES, ...CERTIFICATE_CODES, CANCELED_UNSENT_CODE];
/** No route to the host: mostly before connecting, but also on a connection the request was already written to. */
export const UNREACHABLE_CODES = ['EHOSTUNREACH', 'ENETUNREACH'];
export const TIMEOUT_CODES = ['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT'];
export const RESET_CODES = ['ECONNRESET', 'EPIPE'];
/** The execution was stopped while the request was under way. */
export const CANCELED_CODE = 'ERR_CANCELED';
const KNOWN_CODES = [...NOT_SENT_CODES, ...UNREACHABLE_CODES, ...TIMEOUT_CODES, ...RESET_CODES, CANCELED_CODE];

const CODE_SHAPE = /^[A-Z][A-Z0-9_]{2,}$/;

/**
 * The network error code behind a failed request. n8n wraps the HTTP client's error in a
 * NodeApiError that drops the original but keeps its code as `httpCode` and its message among
 * `messages`, so both are read: "connect ECONNREFUSED …", "timeout of 500ms exceeded". A code
 * this module does not know is still returned, for the description, and classed as "may have
 * been sent".
 */
export function networkCodeOf(error: unknown): string {
	const texts: string[] = [];
	let unknownCode: string | undefined;
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const { code, httpCode, message, messages, cause } = current as Record<string, unknown>;
		for (const candidate of [code, httpCode]) {
			if (typeof candidate !== 'string') continue;
			if (KNOWN_CODES.includes(candidate)) return candidate;
			if (CODE_SHAPE.test(candidate)) unknownCode ??= candidate;
		}
		if (Array.isArray(messages)) texts.push(...messages.filter((m): m is string => typeof m === 'string'));
		if (typeof message === 'string') texts.push(message);
		current = cause;
	}
	for (const text of texts) {
		const code = KNOWN_CODES.find((known) => new RegExp(`\\b${known}\\b`).test(text));
		if (code) return code;
		if (/timeout of \d+ms exceeded|timed out/i.test(text)) return 'ETIMEDOUT';
		if (/socket hang up|closed the connection/i.test(text)) return 'ECONNRESET';
		if (/^canceled$|cancell?ed/i.test(text.trim())) return CANCELED_CODE;
	}
	return unknownCode ?? 'UNKNOWN';
}
