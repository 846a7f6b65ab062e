/** Integration: Update inputs for the throughput tests (the bulk seed is in scripts/lib/fixtures.ts). */
import type { INodeParameters } from 'n8n-workflow';

import { BULK_TOKEN, bulkIntegrationId } from '../../scripts/lib/fixtures';

/** The body of one Integration: Update item: new values for the bulk integration `index`. */
export function updateItem(index: number) {
	return { id: bulkIntegrationId(index), key: `rotated-key-${index}`, user: `rotated-user-${index}` };
}

/** Our node's parameters for Integration: Update driven by `updateItem` items. */
export function updateParameters(options: INodeParameters = {}): INodeParameters {
	return {
		resource: 'integration',
		operation: 'update',
		organizationOemToken: BULK_TOKEN,
		integrationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		credentialsMode: 'keyValue',
		credentialValues: {
			values: [
				{ key: 'api key', value: '={{ $json.key }}' },
				{ key: 'api username', value: '={{ $json.user }}' },
			],
		},
		// These tests are about the updates themselves: with this opt-in no list of the stored keys
		// is read first (the guarded path is tested in test/actions/writeGuard.test.ts).
		removeBlankFields: true,
		options,
	};
}
