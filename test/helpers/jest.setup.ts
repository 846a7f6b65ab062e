import { Container } from '@n8n/di';

// n8n-core's node contexts create an SSH client manager whose cleanup interval would keep
// jest alive after the tests; n8n stops it on shutdown, and so do we. n8n-core does not export
// the class from its index, so it is taken from its file inside dist/: if an n8n-core upgrade
// moves or renames it, this fails here, saying so, instead of jest hanging after the tests.
const SSH_CLIENTS_MANAGER = 'n8n-core/dist/execution-engine/ssh-clients-manager';

type Manager = new (...args: any[]) => { onShutdown(): void };

function sshClientsManager(): Manager {
	let exported: { SSHClientsManager?: unknown };
	try {
		exported = require(SSH_CLIENTS_MANAGER);
	} catch (error) {
		throw new Error(
			`test/helpers/jest.setup.ts: ${SSH_CLIENTS_MANAGER} cannot be loaded (${(error as Error).message.split('\n')[0]}); ` +
				'n8n-core moved its SSH client manager: point this file at its new place',
		);
	}
	const Class = exported.SSHClientsManager;
	if (typeof Class !== 'function' || typeof (Class.prototype as { onShutdown?: unknown })?.onShutdown !== 'function') {
		throw new Error(
			`test/helpers/jest.setup.ts: ${SSH_CLIENTS_MANAGER} no longer exports SSHClientsManager with onShutdown(); ` +
				'n8n-core changed its SSH client manager: update this file',
		);
	}
	return Class as Manager;
}

const SSHClientsManager = sshClientsManager();

afterAll(() => Container.get(SSHClientsManager).onShutdown());
