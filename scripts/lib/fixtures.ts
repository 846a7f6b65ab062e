/**
 * Bulk sandbox seeds and a concurrency measurement, shared by the benchmarks and the tests.
 * Kept here rather than under test/ because bench/ (run.ts, list-parse.ts, trigger.ts), a tool
 * outside the tests, builds its workloads from them; the tests import them from here too.
 */
import { DEFAULT_SEED, type RecordedRequest, type SandboxSeed, type SeedVendor } from '../../sandbox';

export const BULK_TOKEN = 'bulk-org-oem-token';
/** The API allows one integration per vendor and organization: the bulk organization gets a vendor each. */
export const bulkVendorId = (index: number) => `bulk-vendor-${String(index).padStart(5, '0')}`;

export const bulkIntegrationId = (index: number) => `bulk-int-${String(index).padStart(5, '0')}`;

/**
 * The default seed (plus `extraVendors`) and one organization that owns `integrations`
 * integrations, one per vendor of its own.
 */
export function bulkSeed(integrations: number, extraVendors: SeedVendor[] = []): SandboxSeed {
	const bulkVendors: SeedVendor[] = Array.from({ length: integrations }, (_, i) => ({
		id: bulkVendorId(i),
		name: `Bulk Vendor ${i}`,
		integrationStatus: 'active',
		integrationType: 'custom_hosted',
		integrationCredentialTemplate: { 'api key': '', 'api username': '' },
	}));
	return {
		vendors: [...DEFAULT_SEED.vendors, ...bulkVendors, ...extraVendors],
		organizations: [
			...(DEFAULT_SEED.organizations ?? []),
			{
				name: 'Bulk MSP',
				email: 'owner@bulk.example',
				organizationOemToken: BULK_TOKEN,
				integrations: Array.from({ length: integrations }, (_, i) => ({
					id: bulkIntegrationId(i),
					vendorId: bulkVendorId(i),
					integrationCredentials: { 'api key': `initial-key-${i}`, 'api username': `initial-user-${i}` },
				})),
			},
		],
	};
}

/** `count` vendors with varied statuses, types and templates (for big Vendor: List answers). */
export function manyVendors(count: number): SeedVendor[] {
	const statuses = ['active', 'inactive', 'pending', 'mapping'];
	return Array.from({ length: count }, (_, i) => ({
		id: (0x67ae3bcff05cb32e0000n + BigInt(i)).toString(16).padStart(24, '0'),
		name: `Vendor ${String(i).padStart(6, '0')} ${i % 7 === 0 ? 'Backup' : i % 5 === 0 ? 'PSA' : 'RMM'}`,
		integrationStatus: statuses[i % statuses.length],
		integrationType: i % 9 === 0 ? 'external' : 'custom_hosted',
		integrationCredentialTemplate: i % 9 === 0 ? {} : { 'api key': '', 'api username': '', ...(i % 3 === 0 ? { 'tenant id': '' } : {}) },
	}));
}

/**
 * The most requests the server held at once, with a fixed answer delay: each request is in
 * flight over [arrival, arrival + latency). The sandbox logs arrival (`at`) and then waits
 * `latencyMs` before answering, so with no jitter this is exact up to the clock's resolution.
 */
export function maxInFlight(requests: RecordedRequest[], latencyMs: number): number {
	const events = requests.flatMap((r) => [
		{ t: r.at, d: 1 },
		{ t: r.at + latencyMs, d: -1 },
	]);
	// At equal times an answer is counted before an arrival: the client sends its next request after it.
	events.sort((a, b) => a.t - b.t || a.d - b.d);
	let current = 0;
	let max = 0;
	for (const e of events) {
		current += e.d;
		max = Math.max(max, current);
	}
	return max;
}
