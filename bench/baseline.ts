/**
 * The floor of per-request cost: the same Integration: Update requests sent with plain fetch from
 * the bench process, one at a time (P1's first row).
 */
import type { RunningSandbox } from '../sandbox';
import { BULK_TOKEN } from '../scripts/lib/fixtures';

export async function fetchUpdates(sandbox: RunningSandbox, count: number): Promise<number> {
	const started = performance.now();
	for (let i = 0; i < count; i++) {
		const res = await fetch(`${sandbox.url}/api/oem-api/integration/bulk-int-${String(i).padStart(5, '0')}`, {
			method: 'PATCH',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: JSON.stringify({
				clientId: sandbox.credentials.clientId,
				clientSecret: sandbox.credentials.clientSecret,
				grantType: 'client_credentials',
				scope: sandbox.credentials.scope,
				organizationOemToken: BULK_TOKEN,
				data: { integrationCredentials: { 'api key': `rotated-key-${i}`, 'api username': `rotated-user-${i}` } },
			}),
		});
		if (res.status !== 200) throw new Error(`fetch: ${res.status} ${await res.text()}`);
		await res.json();
	}
	return performance.now() - started;
}
