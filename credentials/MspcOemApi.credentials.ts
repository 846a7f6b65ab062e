import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

/** The body fields every OEM API call carries; the API has no auth header and no token exchange. */
export function oemAuthFields(credentials: ICredentialDataDecryptedObject) {
	return {
		clientId: String(credentials.clientId ?? ''),
		clientSecret: String(credentials.clientSecret ?? ''),
		grantType: 'client_credentials',
		scope: String(credentials.scope || 'vendor_manage'),
	};
}

export class MspcOemApi implements ICredentialType {
	name = 'mspcOemApi';

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
		const auth = oemAuthFields(credentials);
		const { body } = requestOptions;
		if (typeof body === 'string') {
			const parsed = body.trim() === '' ? {} : (JSON.parse(body) as Record<string, unknown>);
			return { ...requestOptions, body: JSON.stringify({ ...auth, ...parsed }) };
		}
		const objectBody = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
		return { ...requestOptions, body: { ...auth, ...objectBody }, json: true };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ String($credentials.baseUrl).replace(/\\/+$/, "") }}',
			url: '/api/oem-api/vendor',
			method: 'POST',
			body: {},
			json: true,
		},
	};
}
