/**
 * The trigger's state codec as stored bytes: what a small vendor catalogue and a small
 * integration list are written as (pinned, so that a change of the stored form is caught and
 * made a new format), that what is written reads back and writes again to the same bytes, that
 * format 1 is read once and then written as the current format, and what junk, truncated and
 * oversized states read as. (test/trigger/state.test.ts covers the comparison built on it.)
 */
import { digest, READABLE_FORMATS, STATE_FORMAT, type TriggerState } from '../../nodes/MspcOemTrigger/state/codec';
import { integrationState, rememberedIntegrations } from '../../nodes/MspcOemTrigger/state/integrations';
import { rememberedVendors, vendorState } from '../../nodes/MspcOemTrigger/state/vendors';
import type { Integration, Vendor } from '../../nodes/shared/schemas/answers';

const vendor = (id: string, name: string, integrationStatus: string | undefined, integrationType: string, keys: string[]) =>
	({ id, name, integrationStatus, integrationType, integrationCredentialTemplate: Object.fromEntries(keys.map((k) => [k, ''])) }) as Vendor;

const integration = (id: string, vendorId: string, keys: string[]) =>
	({ id, vendorId, integrationCredentialTemplate: Object.fromEntries(keys.map((k) => [k, ''])) }) as Integration;

const catalogue = [
	vendor('43211235', 'Cloud Backup', 'active', 'custom_hosted', ['api key']),
	vendor('43211236', 'Some RMM', 'pending', 'external', ['api key', 'region']),
	vendor('43211237', 'Backup Two', undefined, 'custom_hosted', []),
];
const withName = { nameContains: 'Backup' };

const organization = [integration('i1', 'v1', ['api key']), integration('i2', 'v2', ['region', 'api key'])];
const vendorNames = new Map([['v1', 'Northwind']]);

/** As n8n keeps static data: JSON in its database. */
const stored = (state: object): TriggerState => JSON.parse(JSON.stringify(state));

// Written by today's code (format 2): 8-character id digests, each followed by its profile index.
const VENDORS = '0bWeFts1A0C0hx3UfB9qZ2jowlC';
const FORMAT_2_VENDORS =
	'{"keySets":[["api key"],["api key","region"],[]],' +
	'"profiles":[["active","custom_hosted",0,true],["pending","external",1,false],[null,"custom_hosted",2,true]],' +
	`"width":1,"vendors":"${VENDORS}","nameFilter":"Z5qHrL9X"}`;
const FORMAT_2_VENDORS_WITHOUT_NAME_FILTER =
	'{"keySets":[["api key"],["api key","region"],[]],' +
	'"profiles":[["active","custom_hosted",0,null],["pending","external",1,null],[null,"custom_hosted",2,null]],' +
	`"width":1,"vendors":"${VENDORS}"}`;
// Written by the format 1 code (commit 9afb231) for the same catalogue: profiles without the name bit.
const FORMAT_1_VENDORS =
	'{"keySets":[["api key"],["api key","region"],[]],' +
	'"profiles":[["active","custom_hosted",0],["pending","external",1],[null,"custom_hosted",2]],' +
	`"width":1,"vendors":"${VENDORS}"}`;
// Integrations are written alike by formats 1 and 2.
const INTEGRATIONS = '{"keySets":[["api key"],["region","api key"]],"integrations":[["i1","v1","Northwind",0],["i2","v2",null,1]]}';

describe('the stored form, byte for byte', () => {
	it('an id digest', () => {
		expect(digest('43211235')).toBe('0bWeFts1');
		expect(digest('backup')).toBe('Z5qHrL9X');
	});

	it('a vendor catalogue, with and without a Name Contains filter (whose digest is of the trimmed, lower-case text)', () => {
		expect(JSON.stringify(vendorState(catalogue, withName))).toBe(FORMAT_2_VENDORS);
		expect(JSON.stringify(vendorState(catalogue, { nameContains: '  BACKUP ' }))).toBe(FORMAT_2_VENDORS);
		expect(JSON.stringify(vendorState(catalogue, {}))).toBe(FORMAT_2_VENDORS_WITHOUT_NAME_FILTER);
	});

	it("an organization's integrations, with the key sets in the order the answer gave them", () => {
		expect(JSON.stringify(integrationState(organization, undefined, vendorNames))).toBe(INTEGRATIONS);
	});

	it('the format numbers', () => {
		expect(STATE_FORMAT).toBe(2);
		expect(READABLE_FORMATS).toEqual([1, 2]);
	});
});

describe('round trip', () => {
	it('vendors read back with their status, type, keys and name bit, and write again to the same bytes', () => {
		const known = rememberedVendors(stored(vendorState(catalogue, withName)), withName)!;
		expect(Object.fromEntries(known)).toEqual({
			[digest('43211235')]: { integrationStatus: 'active', integrationType: 'custom_hosted', credentialKeys: ['api key'], nameMatched: true },
			[digest('43211236')]: { integrationStatus: 'pending', integrationType: 'external', credentialKeys: ['api key', 'region'], nameMatched: false },
			[digest('43211237')]: { integrationStatus: null, integrationType: 'custom_hosted', credentialKeys: [], nameMatched: true },
		});
		expect(JSON.stringify(vendorState(catalogue, withName, known))).toBe(FORMAT_2_VENDORS);
	});

	it('more than 64 distinct profiles: two characters per index, read back alike', () => {
		const varied = Array.from({ length: 65 }, (_, i) => vendor(`v${i}`, `V ${i}`, `status-${i}`, 'external', ['api key']));
		const state = stored(vendorState(varied, {}));
		expect(state.vendors!.slice(8 * 65 + 2 * 64, 8 * 65 + 2 * 65)).toBe('BA');
		const known = rememberedVendors(state, {})!;
		expect(known.get(digest('v64'))?.integrationStatus).toBe('status-64');
		expect(JSON.stringify(vendorState(varied, {}, known))).toBe(JSON.stringify(state));
	});

	it('integrations read back with their vendor, its name and the keys, and write again to the same bytes', () => {
		const known = rememberedIntegrations(stored(integrationState(organization, undefined, vendorNames)))!;
		expect(Object.fromEntries(known)).toEqual({
			i1: { vendorId: 'v1', vendorName: 'Northwind', credentialKeys: ['api key'] },
			i2: { vendorId: 'v2', vendorName: null, credentialKeys: ['region', 'api key'] },
		});
		expect(JSON.stringify(integrationState(organization, known, undefined))).toBe(INTEGRATIONS);
	});
});

describe('format 1, read once', () => {
	it('its vendors are read with the name bits unknown, and the next write is format 2 with them', () => {
		const known = rememberedVendors({ format: 1, ...JSON.parse(FORMAT_1_VENDORS) }, withName)!;
		expect([...known.keys()]).toEqual(['43211235', '43211236', '43211237'].map(digest));
		expect([...known.values()].map((snapshot) => 'nameMatched' in snapshot)).toEqual([false, false, false]);
		expect(known.get(digest('43211236'))).toEqual({ integrationStatus: 'pending', integrationType: 'external', credentialKeys: ['api key', 'region'] });
		const written = vendorState(catalogue, withName, known);
		expect(JSON.stringify(written)).toBe(FORMAT_2_VENDORS);
		expect([...rememberedVendors(stored(written), withName)!.values()].map((snapshot) => snapshot.nameMatched)).toEqual([true, false, true]);
	});

	it('its integrations are read as they are (the same shape)', () => {
		const known = rememberedIntegrations({ format: 1, ...JSON.parse(INTEGRATIONS) })!;
		expect(JSON.stringify(integrationState(organization, known, undefined))).toBe(INTEGRATIONS);
	});
});

describe('junk, truncated and oversized states', () => {
	const vendorsState = (): TriggerState => JSON.parse(FORMAT_2_VENDORS);
	const integrationsState = (): TriggerState => JSON.parse(INTEGRATIONS);

	it.each<[string, (state: TriggerState) => void]>([
		['an empty state', (s) => Object.keys(s).forEach((key) => delete s[key as keyof TriggerState])],
		['vendors that are not a string', (s) => (s.vendors = [VENDORS] as never)],
		['profiles that are not a list', (s) => (s.profiles = {} as never)],
		['a width that is not a number', (s) => (s.width = '1' as never)],
		['a negative width', (s) => (s.width = -8)],
		['key sets that are not a list', (s) => (s.keySets = 'api key' as never)],
		['a profile that is not a list', (s) => (s.profiles![1] = 'pending' as never)],
		['a key-set index that is not a number', (s) => (s.profiles![0][2] = '0' as never)],
		['a profile index outside the alphabet', (s) => (s.vendors = s.vendors!.slice(0, 8) + '*' + s.vendors!.slice(9))],
		['a record cut short', (s) => (s.vendors = s.vendors!.slice(0, -1))],
		['a profile list cut short', (s) => s.profiles!.pop()],
		['a key-set table cut short', (s) => s.keySets!.pop()],
		['a profile of five fields', (s) => (s.profiles![0] = [...s.profiles![0], 'extra'] as never)],
		['a width larger than written', (s) => (s.width = 2)],
	])('vendors: %s reads as none (a new baseline is recorded)', (_label, damage) => {
		const state = vendorsState();
		damage(state);
		expect(rememberedVendors(state, withName)).toBeUndefined();
	});

	it.each<[string, (state: TriggerState) => void]>([
		['no integrations', (s) => delete s.integrations],
		['integrations that are not a list', (s) => (s.integrations = {} as never)],
		['an entry that is not a list', (s) => (s.integrations![0] = 'i1' as never)],
		['an entry cut short', (s) => s.integrations![0].pop()],
		['an entry of five fields', (s) => (s.integrations![0] = [...s.integrations![0], 'extra'] as never)],
		['a vendor id that is not a string', (s) => (s.integrations![0][1] = 7 as never)],
		['a key-set table cut short', (s) => s.keySets!.pop()],
		['key sets holding a number', (s) => (s.keySets![0] = ['api key', 7] as never)],
	])('integrations: %s reads as none', (_label, damage) => {
		const state = integrationsState();
		damage(state);
		expect(rememberedIntegrations(state)).toBeUndefined();
	});

	it('vendors cut at a record boundary read as the records that are left', () => {
		const state = vendorsState();
		state.vendors = state.vendors!.slice(0, 18);
		expect([...rememberedVendors(state, withName)!.keys()]).toEqual(['43211235', '43211236'].map(digest));
	});

	it('an id digest is taken as stored, whatever its characters; a status or type that is not a string reads as null', () => {
		const state = vendorsState();
		state.vendors = '<junk!>' + ' ' + 'A';
		state.profiles![0][0] = 5 as never;
		state.profiles![0][1] = { type: 'external' } as never;
		expect(Object.fromEntries(rememberedVendors(state, withName)!)).toEqual({
			'<junk!> ': { integrationStatus: null, integrationType: null, credentialKeys: ['api key'], nameMatched: true },
		});
	});

	it('a name bit that is not a boolean reads as unknown; a vendor name that is not a string reads as null', () => {
		const vendors = vendorsState();
		vendors.profiles![0][3] = 'yes' as never;
		expect(rememberedVendors(vendors, withName)!.get(digest('43211235'))).not.toHaveProperty('nameMatched');
		const integrations = integrationsState();
		integrations.integrations![0][2] = 42 as never;
		expect(rememberedIntegrations(integrations)!.get('i1')?.vendorName).toBeNull();
	});

	it('fields this code does not write are ignored', () => {
		const later = { later: { more: [1, 2, 3] } };
		expect(rememberedVendors({ ...vendorsState(), ...later } as TriggerState, withName)!.size).toBe(3);
		expect(rememberedIntegrations({ ...integrationsState(), ...later } as TriggerState)!.size).toBe(2);
	});

	it('an oversized state is read whole: no size limit applies (100,000 records, a 100,000-character key name)', () => {
		const state = vendorsState();
		state.vendors = VENDORS.slice(0, 9).repeat(100_000);
		expect(rememberedVendors(state, withName)!.size).toBe(1);
		state.vendors = Array.from({ length: 100_000 }, (_, i) => digest(`v${i}`) + 'B').join('');
		expect(rememberedVendors(state, withName)!.size).toBe(100_000);
		const integrations = integrationsState();
		integrations.keySets![0] = ['k'.repeat(100_000)];
		expect(rememberedIntegrations(integrations)!.get('i1')?.credentialKeys[0]).toHaveLength(100_000);
	});
});
