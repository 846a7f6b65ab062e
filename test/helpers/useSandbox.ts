import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../sandbox';

/** Starts a sandbox for a test file (fresh state before each test) and stops it afterwards. */
export function useSandbox(options: SandboxOptions = {}) {
	const handle: { sandbox: RunningSandbox; credentials: ICredentialDataDecryptedObject } = {} as never;
	beforeAll(async () => {
		handle.sandbox = await startSandbox({ clientSecret: 'sandbox-secret-Zq81xY', ...options });
		handle.credentials = {
			baseUrl: `${handle.sandbox.url}/`,
			clientId: handle.sandbox.credentials.clientId,
			clientSecret: handle.sandbox.credentials.clientSecret,
			scope: handle.sandbox.credentials.scope,
		};
	});
	beforeEach(() => handle.sandbox.reset());
	afterAll(async () => await handle.sandbox.stop());
	return handle;
}
