import { Container } from '@n8n/di';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';

// n8n-core's node contexts create an SSH client manager whose cleanup interval would keep
// jest alive after the tests; n8n stops it on shutdown, and so do we.
afterAll(() => Container.get(SSHClientsManager).onShutdown());
