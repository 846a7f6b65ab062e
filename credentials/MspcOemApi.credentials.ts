import type {
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * What is wrong with a Base URL, in words that follow "The credential's Base URL", or undefined
 * when secrets may be sent to it: a full https:// address without path, query or login
 * (http:// only for this machine). Never echoes a login or a query, which may hold secrets.
 */
export function baseUrlProblem(value: unknown): string | undefined {
	const raw = String(value ?? '').trim();
	if (!raw) return 'is empty';
	const shown = raw.length > 80 ? `${raw.slice(0, 80)}…` : raw;
	let url: URL | undefined;
	try {
		url = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? new URL(raw) : undefined;
	} catch {
		url = undefined;
	}
	// No scheme ("host.example.com", "host:443") or unparseable: never guess one.
	if (!url) {
		return raw.includes('@')
			? 'is not a full address: it must start with https://'
			: `"${shown}" is not a full address: it must start with https://`;
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		return `must start with https:// (it starts with ${url.protocol}//)`;
	}
	if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
		return 'must start with https://, not http://: the client secret and tokens are only sent over HTTPS (plain http:// is allowed for localhost only)';
	}
	if (url.username || url.password) return 'must not contain a user name or password';
	if (url.search || url.hash) return 'must not contain a query (?…) or fragment (#…)';
	const path = url.pathname.replace(/\/+$/, '');
	if (path !== '') return `must be the bare address without a path: remove "${path}" (use ${url.origin})`;
	return undefined;
}

/** The credential type's name, as nodes, workflows and tests refer to it. */
export const CREDENTIAL_TYPE = 'mspcOemApi';

/** Names of the fields a user fills in, which the node sends (the Base URL as the address). */
const USER_FIELDS = ['baseUrl', 'clientId', 'clientSecret', 'scope'];

/**
 * A hidden field n8n resolves with the others on every read: `false` when none of the user's
 * fields is an expression, so the values cannot differ between items (or between reads).
 * `$rawParameter['&name']` is a sibling field's stored value, before n8n resolves it. Anything
 * else than `false` (an older n8n, a stored value) means: the values may differ per item.
 */
export const FIELDS_USE_EXPRESSIONS = 'fieldsUseExpressions';
const FIELDS_USE_EXPRESSIONS_CHECK = `={{ ${JSON.stringify(USER_FIELDS)}.some((name) => String($rawParameter['&' + name]).startsWith('=')) }}`;

/** The body fields every OEM API call carries; the API has no auth header and no token exchange. */
export function oemAuthFields(credentials: ICredentialDataDecryptedObject) {
	return {
		clientId: String(credentials.clientId ?? ''),
		clientSecret: String(credentials.clientSecret ?? ''),
		grantType: 'client_credentials',
		scope: String(credentials.scope || 'vendor_manage'),
	};
}

/** Where messages send the user when the Base URL answers, but not as the OEM API does. */
export const BASE_URL_HINT = "check that the credential's Base URL is your MSPCentric address";

/** The node's and the credential's Test's words when the Base URL answers, but not as the OEM API does. */
export function notTheOemApi(answered: string): string {
	return `the credential's Base URL reached something that is not the MSPC OEM API (${answered}): ${BASE_URL_HINT}`;
}

/** The node's and the credential's Test's words for the OEM API's own error statuses that any request can meet. */
export function apiStatusWords(status: number): string | undefined {
	if (status === 400) return 'the MSPC OEM API rejected the request as malformed (400)';
	if (status === 401) return 'the client credentials were rejected (401): check the Client ID, Client Secret and Scope in the credential';
	if (status === 429) return 'the MSPC OEM API is rate limiting requests (429)';
	if (status >= 500 && status < 600) return `the MSPC OEM API failed with a server error (${status})`;
	return undefined;
}

/**
 * Request options that stop a redirect from being followed, in each form n8n's helpers read:
 * `disableFollowRedirect` (httpRequest: the node, the credential's Test), the request-library
 * options (the HTTP Request node's requestWithAuthentication). A redirect would re-send the
 * body, secrets included, to wherever it points.
 */
const NO_REDIRECTS = { disableFollowRedirect: true, followRedirect: false, followAllRedirects: false, maxRedirects: 0 };

const sentence = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

/** The statuses the Test's request (the vendor list) can meet from the API itself. */
const TEST_API_STATUSES = [400, 401, 429, 500, 502, 503, 504];

/** The origin of a request's target, or undefined when it cannot be read. */
function targetOrigin(requestOptions: IHttpRequestOptions): string | undefined {
	try {
		// n8n's HTTP Request node passes the address as `uri` (request-library options), our node as `url`.
		const url = String(requestOptions.url ?? (requestOptions as { uri?: unknown }).uri ?? '');
		const base = requestOptions.baseURL ? String(requestOptions.baseURL).replace(/\/+$/, '') : '';
		const target = base && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? `${base}/${url.replace(/^\/+/, '')}` : url;
		return new URL(target).origin;
	} catch {
		return undefined;
	}
}

export class MspcOemApi implements ICredentialType {
	name = CREDENTIAL_TYPE;

	displayName = 'MSPC OEM API';

	icon: Icon = {
		light: 'file:mspcOemApi.svg',
		dark: 'file:mspcOemApi.dark.svg',
	};

	documentationUrl = 'https://api-docs.mspcentric.io';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://yoursubdomain.mspcentric.app',
			description:
				'The HTTPS address of your MSPCentric environment, without a path (a trailing slash is fine)',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'string',
			default: 'vendor_manage',
			description: 'The OAuth scope MSPCentric issued with your client credentials',
		},
		{
			displayName: 'Fields Use Expressions',
			name: FIELDS_USE_EXPRESSIONS,
			type: 'hidden',
			default: FIELDS_USE_EXPRESSIONS_CHECK,
		},
	];

	/**
	 * Adds the client credentials to the JSON body. A function rather than a generic
	 * `body` block because the node sends pre-serialised JSON (so that credential keys
	 * such as `__proto__` survive n8n's request helpers), which a generic merge would break.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		// The secrets are added here, so here is where a request to the wrong place stops, and
		// where following a redirect is turned off: for the node, n8n's credential test and n8n's
		// HTTP Request node alike.
		const problem = baseUrlProblem(credentials.baseUrl);
		if (problem) throw new Error(`The credential's Base URL ${problem}. Nothing was sent.`);
		if (targetOrigin(requestOptions) !== new URL(String(credentials.baseUrl).trim()).origin) {
			throw new Error("The request does not go to the credential's Base URL, so the credentials were not added. Nothing was sent.");
		}
		const auth = oemAuthFields(credentials);
		const { body } = requestOptions;
		if (typeof body === 'string') {
			const parsed = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
			return { ...requestOptions, ...NO_REDIRECTS, body: JSON.stringify({ ...auth, ...parsed }) };
		}
		const objectBody = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
		return { ...requestOptions, ...NO_REDIRECTS, body: { ...auth, ...objectBody }, json: true };
	}

	/**
	 * Vendor: List. Every answer comes back as a success (ignoreHttpStatusErrors) and the rules read
	 * its body: n8n 1.x and 2.8 lose the HTTP status of a failed Test request (their errors drop
	 * the cause), so rules per status code would never apply there. The API's own errors carry
	 * their status in the body; any other answer without the vendor list came from something that
	 * is not the API (a web page answering 200 does not pass either).
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).trim().replace(/\\/+$/, "") }}',
			url: '/api/oem-api/vendor',
			method: 'POST',
			body: {},
			json: true,
			ignoreHttpStatusErrors: true,
		},
		rules: [
			...TEST_API_STATUSES.flatMap((status) =>
				['status', 'statusCode'].map(
					(key): IAuthenticateRuleResponseSuccessBody => ({
						type: 'responseSuccessBody',
						properties: { key, value: status, message: sentence(apiStatusWords(status) ?? '') },
					}),
				),
			),
			{
				type: 'responseSuccessBody',
				properties: { key: 'vendors', value: undefined, message: sentence(notTheOemApi('its answer has no vendor list')) },
			},
		],
	};
}
