import type { IHttpRequestOptions } from 'n8n-workflow';

import { MspcOemApi } from '../../credentials/MspcOemApi.credentials';

const credential = new MspcOemApi();
const data = { baseUrl: 'https://tenant.example.test/', clientId: 'id-1', clientSecret: 'secret-Xy77', scope: 'vendor_manage' };
const auth = { clientId: 'id-1', clientSecret: 'secret-Xy77', grantType: 'client_credentials', scope: 'vendor_manage' };

describe('MSPC OEM API credential: authenticate()', () => {
	it("adds the client credentials to our node's pre-serialised body, keeping every key", async () => {
		const options = await credential.authenticate(data, {
			url: 'https://tenant.example.test/api/oem-api/integration/list',
			method: 'POST',
			body: '{"organizationOemToken":"t","__proto__":"kept"}',
		});
		expect(options.body).toBe(
			'{"clientId":"id-1","clientSecret":"secret-Xy77","grantType":"client_credentials","scope":"vendor_manage","organizationOemToken":"t","__proto__":"kept"}',
		);
	});

	it("adds them to an object body addressed by the HTTP Request node's `uri`", async () => {
		const options = await credential.authenticate(data, {
			uri: 'https://tenant.example.test/api/oem-api/vendor',
			method: 'POST',
			body: { extra: 1 },
		} as unknown as IHttpRequestOptions);
		expect(options.body).toEqual({ ...auth, extra: 1 });
	});

	it("adds them to the credential test's request (baseURL + path)", async () => {
		const options = await credential.authenticate(data, {
			baseURL: 'https://tenant.example.test',
			url: '/api/oem-api/vendor',
			method: 'POST',
			body: {},
		});
		expect(options.body).toEqual(auth);
	});

	it('refuses a request to another host: the secret is not added', async () => {
		await expect(
			credential.authenticate(data, { url: 'https://elsewhere.example.test/api/oem-api/vendor', method: 'POST', body: {} }),
		).rejects.toThrow("The request does not go to the credential's Base URL");
	});

	it('turns off following redirects, in the form each of n8n\'s helpers reads', async () => {
		const noRedirects = { disableFollowRedirect: true, followRedirect: false, followAllRedirects: false, maxRedirects: 0 };
		// our node's request (httpRequest) …
		const node = await credential.authenticate(data, { url: 'https://tenant.example.test/api/oem-api/vendor', method: 'POST', body: '{}' });
		expect(node).toMatchObject(noRedirects);
		// … and the HTTP Request node's (request-library options), which asked to follow them
		const httpNode = await credential.authenticate(data, {
			uri: 'https://tenant.example.test/api/oem-api/vendor',
			method: 'POST',
			body: {},
			followRedirect: true,
			followAllRedirects: true,
			maxRedirects: 21,
		} as unknown as IHttpRequestOptions);
		expect(httpNode).toMatchObject(noRedirects);
	});
});
