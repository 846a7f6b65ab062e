/**
 * The trigger's state codec (nodes/MspcOemTrigger/state/) on its own: what a vendor or
 * integration list is stored as, how it is read back (also the previous format), what a damaged
 * state reads as, and the size for a 100,000-vendor catalogue.
 */
import { digest, STATE_FORMAT, type TriggerState } from '../../nodes/MspcOemTrigger/state/codec';
import { integrationChanges, integrationState, rememberedIntegrations } from '../../nodes/MspcOemTrigger/state/integrations';
import { rememberedVendors, vendorChanges, vendorState } from '../../nodes/MspcOemTrigger/state/vendors';
import type { Integration, Vendor } from '../../nodes/shared/schemas/answers';
import { manyVendors } from '../../scripts/lib/fixtures';

const vendor = (id: string, name: string, status: string | null = 'active', keys: string[] = ['api key']): Vendor =>
	({
		id,
		name,
		integrationStatus: status ?? undefined,
		integrationType: 'custom_hosted',
		integrationCredentialTemplate: Object.fromEntries(keys.map((k) => [k, ''])),
	}) as Vendor;

const integration = (id: string, vendorId: string, keys: string[]): Integration =>
	({ id, vendorId, integrationCredentialTemplate: Object.fromEntries(keys.map((k) => [k, ''])) }) as Integration;

const ALPHABET = /^[A-Za-z0-9_-]{8}$/;

describe('digest', () => {
	it('is 8 characters of the URL-safe alphabet, the same for the same text, different for others', () => {
		expect(digest('43211235')).toMatch(ALPHABET);
		expect(digest('43211235')).toBe(digest('43211235'));
		const digests = new Set(Array.from({ length: 10_000 }, (_, i) => digest(`vendor-${i}`)));
		expect(digests.size).toBe(10_000);
	});
});

describe('vendors', () => {
	const catalogue = [vendor('v1', 'Cloud Backup'), vendor('v2', 'Some RMM', 'pending', ['api key', 'region']), vendor('v3', 'Backup Two', null, [])];

	it('are stored as id digest + profile index, and read back with their status, type and keys', () => {
		const state = vendorState(catalogue, {});
		expect(state.width).toBe(1);
		expect(state.vendors).toHaveLength(3 * 9);
		expect(state.vendors!.slice(0, 8)).toBe(digest('v1'));
		expect(state).not.toHaveProperty('nameFilter');
		const known = rememberedVendors(state, {})!;
		expect([...known.keys()]).toEqual(['v1', 'v2', 'v3'].map(digest));
		expect(known.get(digest('v2'))).toEqual({ integrationStatus: 'pending', integrationType: 'custom_hosted', credentialKeys: ['api key', 'region'] });
		expect(known.get(digest('v3'))).toEqual({ integrationStatus: null, integrationType: 'custom_hosted', credentialKeys: [] });
	});

	it('with Name Contains: whether each name matched, known only for the same filter text (trimmed, any case)', () => {
		const state = vendorState(catalogue, { nameContains: 'backup' });
		expect(state.nameFilter).toBe(digest('backup'));
		const same = rememberedVendors(state, { nameContains: '  BACKUP ' })!;
		expect([...same.values()].map((v) => v.nameMatched)).toEqual([true, false, true]);
		for (const filters of [{}, { nameContains: 'rmm' }]) {
			expect([...rememberedVendors(state, filters)!.values()].map((v) => v.nameMatched)).toEqual([undefined, undefined, undefined]);
		}
	});

	it('format 1 (profiles of three fields, no name bits) is read with the name bits unknown', () => {
		const current = vendorState(catalogue, { nameContains: 'backup' });
		const formatOne: TriggerState = { ...current, format: 1, profiles: current.profiles!.map((p) => p.slice(0, 3)) as never };
		delete formatOne.nameFilter;
		const known = rememberedVendors(formatOne, { nameContains: 'backup' })!;
		expect(known.size).toBe(3);
		expect([...known.values()].map((v) => v.nameMatched)).toEqual([undefined, undefined, undefined]);
		expect(STATE_FORMAT).toBe(2);
	});

	it('a renamed vendor is judged by its remembered name bit; without one, by its current name', () => {
		const before = vendorState([vendor('v1', 'Cloud Store')], { nameContains: 'backup' });
		const now = [vendor('v1', 'Cloud Backup Store')];
		const added = (state: TriggerState) =>
			vendorChanges('vendorAdded', rememberedVendors(state, { nameContains: 'backup' })!, now, { nameContains: 'backup' }).map((i) => i.id);
		expect(added(before)).toEqual(['v1']);
		const withoutBits: TriggerState = { ...before, profiles: before.profiles!.map((p) => p.slice(0, 3)) as never };
		expect(added(withoutBits)).toEqual([]);
	});

	it('more than 64 distinct profiles take two characters per index', () => {
		const varied = Array.from({ length: 65 }, (_, i) => vendor(`v${i}`, `V ${i}`, `status-${i}`));
		const state = vendorState(varied, {});
		expect(state.width).toBe(2);
		expect(state.vendors).toHaveLength(65 * 10);
		expect(rememberedVendors(state, {})!.get(digest('v64'))?.integrationStatus).toBe('status-64');
	});

	it('a vendor listed twice is remembered once', () => {
		expect(vendorState([vendor('v1', 'A'), vendor('v1', 'A again')], {}).vendors).toHaveLength(9);
	});

	it.each<[string, (state: TriggerState) => void]>([
		['no vendors string', (s) => delete s.vendors],
		['a width of 0', (s) => (s.width = 0)],
		['a length that is not a whole number of records', (s) => (s.vendors += 'A')],
		['a record pointing past the profiles', (s) => (s.vendors = s.vendors!.slice(0, 8) + '9' + s.vendors!.slice(9))],
		['a profile of two fields', (s) => (s.profiles![0] = ['active', 'x'] as never)],
		['a profile pointing past the key sets', (s) => (s.profiles![0][2] = 99)],
		['key sets that are not lists of strings', (s) => (s.keySets = [[1]] as never)],
	])('a damaged state (%s) reads as none, so a new baseline is recorded', (_label, damage) => {
		const state: TriggerState = JSON.parse(JSON.stringify(vendorState(catalogue, {})));
		damage(state);
		expect(rememberedVendors(state, {})).toBeUndefined();
	});

	it('100,000 vendors take about 9 bytes each also with a Name Contains filter (test/node/trigger.test.ts: without)', () => {
		const state = vendorState(manyVendors(100_000) as unknown as Vendor[], { nameContains: 'backup' });
		expect(state.width).toBe(1);
		const size = JSON.stringify(state).length;
		expect(size).toBeGreaterThan(900_000);
		expect(size).toBeLessThan(905_000);
	});
	it('100,000 vendors whose key names name the vendor take, as the README says, 11 bytes each plus at most 40 per distinct combination plus its key names (kept for changes.credentialKeys.before): about 10 MB', () => {
		const vendors = Array.from({ length: 100_000 }, (_, i) => ({
			id: (0x67ae3bcff05cb32e0000n + BigInt(i)).toString(16).padStart(24, '0'),
			name: `Vendor ${i}`,
			integrationStatus: 'active',
			integrationType: 'custom_hosted',
			// real templates often name the vendor: "Acme API key", "Acme tenant id"
			integrationCredentialTemplate: { [`Vendor ${i} API key`]: '', [`Vendor ${i} tenant id`]: '' },
		}));
		const keyNames = vendors.reduce((length, v) => length + Object.keys(v.integrationCredentialTemplate).join('').length, 0);
		const state = vendorState(vendors as never, {});
		const size = JSON.stringify(state).length;
		// per vendor: an 11-character record, a profile (at most 40) and its key set's quotes, brackets and commas (8)
		expect(size).toBeLessThan(100_000 * (11 + 40 + 8) + keyNames);
		expect(size).toBeLessThan(10_500_000);
		expect(rememberedVendors(state, {})!.get(digest(vendors[7].id))?.credentialKeys).toEqual(['Vendor 7 API key', 'Vendor 7 tenant id']);
	});
});

describe('integrations', () => {
	const list = [integration('i1', 'v1', ['api key']), integration('i2', 'v2', ['api key', 'region'])];

	it('are stored with their vendor, the vendor name (from the vendor list, else as remembered) and key set', () => {
		const first = integrationState(list, undefined, new Map([['v1', 'Northwind'], ['v2', 'Bluefin']]));
		expect(first.integrations).toEqual([
			['i1', 'v1', 'Northwind', 0],
			['i2', 'v2', 'Bluefin', 1],
		]);
		const known = rememberedIntegrations(first)!;
		expect(known.get('i2')).toEqual({ vendorId: 'v2', vendorName: 'Bluefin', credentialKeys: ['api key', 'region'] });
		// the vendor left the catalogue: its last known name stays
		const next = integrationState(list, known, new Map([['v1', 'Northwind']]));
		expect(next.integrations![1][2]).toBe('Bluefin');
	});

	it('the events between two lists', () => {
		const known = rememberedIntegrations(integrationState(list, undefined, new Map([['v2', 'Bluefin']])))!;
		const now = [integration('i2', 'v2', ['region', 'api key', 'tenant']), integration('i3', 'v1', [])];
		const names = new Map([['v1', 'Northwind']]);
		const summary = (event: Parameters<typeof integrationChanges>[0]) => integrationChanges(event, known, now, names).map((i) => [i.id, i.vendorName]);
		expect(summary('integrationAdded')).toEqual([['i3', 'Northwind']]);
		expect(summary('integrationRemoved')).toEqual([['i1', 'Northwind']]);
		expect(summary('integrationChanged')).toEqual([['i2', 'Bluefin']]);
	});

	it.each<[string, (state: TriggerState) => void]>([
		['an entry of three fields', (s) => (s.integrations![0] = ['i1', 'v1', 0] as never)],
		['an id that is not a string', (s) => (s.integrations![0][0] = 1 as never)],
		['a key-set index past the table', (s) => (s.integrations![0][3] = 5)],
		['no key sets', (s) => delete s.keySets],
	])('a damaged state (%s) reads as none', (_label, damage) => {
		const state: TriggerState = JSON.parse(JSON.stringify(integrationState(list, undefined, undefined)));
		damage(state);
		expect(rememberedIntegrations(state)).toBeUndefined();
	});
});
