/**
 * What the trigger remembers between polls, and how a poll's lists are compared with it.
 *
 * It lives in n8n's workflow static data (the node's part), which n8n keeps in its database (also
 * in queue mode), and it holds no credential values, tokens or names of credential values: only
 *  - for the vendor events, per vendor an 8-character digest of its id and the index of its
 *    "profile" (integration status, integration type, set of credential keys, whether its name
 *    contained the Name Contains filter) in a table of the distinct profiles, all packed into one
 *    string (9 characters per vendor for up to 64 profiles): a 100,000-vendor catalogue takes
 *    about 0.9 MB; with a Name Contains filter, also a digest of that filter;
 *  - for the integration events, per integration of the one organization its id, vendor id,
 *    last known vendor name and the index of its set of credential keys;
 *  - the table of distinct credential-key sets (key names are template data, not secrets);
 *  - a digest of where the lists came from (event family, Base URL, Client ID and organization
 *    token), so that pointing the node elsewhere starts a new baseline instead of reporting the
 *    difference between two catalogues or two organizations as changes;
 *  - two counters that keep overlapping polls from reporting a change twice or going back in time.
 *
 * Every successful poll compares with the lists of the previous one and replaces them. n8n saves
 * static data only after a poll that emits and after the poll at activation (also at each start),
 * so after a restart the first poll compares with the lists as last saved (README, Trigger).
 */
import type { IDataObject } from 'n8n-workflow';

import { withTemplate } from '../OemIntegration/actions/listing';
import { templateKeys, type CredentialMap, type Integration, type Vendor } from '../shared/schemas';
import {
	matchesFilters,
	matchesName,
	matchesStatusAndType,
	nameFilterOf,
	type VendorFilters,
} from '../shared/vendorFilter';

export type VendorEvent = 'vendorAdded' | 'vendorChanged';
export type IntegrationEvent = 'integrationAdded' | 'integrationRemoved' | 'integrationChanged';
export type TriggerEvent = VendorEvent | IntegrationEvent;

export const VENDOR_EVENTS: VendorEvent[] = ['vendorAdded', 'vendorChanged'];
export const INTEGRATION_EVENTS: IntegrationEvent[] = ['integrationAdded', 'integrationRemoved', 'integrationChanged'];

export function isVendorEvent(event: string): event is VendorEvent {
	return (VENDOR_EVENTS as string[]).includes(event);
}

export function isIntegrationEvent(event: string): event is IntegrationEvent {
	return (INTEGRATION_EVENTS as string[]).includes(event);
}

/**
 * Bump when the stored shape changes. Format 1 (without the name bits) is still read: its vendors
 * count as unknown to the name filter (see rememberedVendors) until the name bits are recorded.
 * Any other format is replaced by a new baseline.
 */
export const STATE_FORMAT = 2;
export const READABLE_FORMATS = [1, STATE_FORMAT];

/**
 * A vendor's compared fields: [integrationStatus, integrationType, index into keySets, whether
 * its name contained the Name Contains filter (null: no such filter)].
 */
type Profile = [string | null, string | null, number, boolean | null];
/** An integration as remembered: [id, vendorId, vendorName, index into keySets]. */
type KnownIntegration = [string, string, string | null, number];

/** The node's static data as the trigger uses it. */
export interface TriggerState {
	format?: number;
	source?: string;
	/** Polls started so far; each takes the next number. */
	ticket?: number;
	/** The number of the poll whose answer the remembered lists are. */
	committed?: number;
	keySets?: string[][];
	/** Vendor events: the distinct profiles, and the packed `digest + profile index` records. */
	profiles?: Profile[];
	/** Vendor events: the digest of the Name Contains filter the profiles' name bits refer to. */
	nameFilter?: string;
	width?: number;
	vendors?: string;
	/** Integration events: the organization's integrations. */
	integrations?: KnownIntegration[];
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function encodeNumber(value: number, width: number): string {
	let text = '';
	let rest = value;
	for (let i = 0; i < width; i++) {
		text = ALPHABET[rest % 64] + text;
		rest = Math.floor(rest / 64);
	}
	return text;
}

function decodeNumber(text: string): number {
	let value = 0;
	for (const char of text) {
		const digit = ALPHABET.indexOf(char);
		if (digit < 0) return -1;
		value = value * 64 + digit;
	}
	return value;
}

/**
 * A 48-bit digest of a text as 8 characters (cyrb53's mixing, pure JavaScript: nodes may not
 * import node:crypto). Among 100,000 vendors the chance that two ids share a digest is about
 * 1 in 56,000; such a pair would be taken for one vendor.
 */
export function digest(text: string): string {
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ c, 2654435761);
		h2 = Math.imul(h2 ^ c, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return encodeNumber((h2 & 0xffff) * 2 ** 32 + (h1 >>> 0), 8);
}

/** The key set's identity: order does not matter. */
const setKey = (keys: string[]) => JSON.stringify([...keys].sort());

class KeySetTable {
	readonly sets: string[][] = [];
	private readonly index = new Map<string, number>();

	add(keys: string[]): number {
		const key = setKey(keys);
		let at = this.index.get(key);
		if (at === undefined) {
			at = this.sets.push([...keys]) - 1;
			this.index.set(key, at);
		}
		return at;
	}
}

/**
 * The credential keys an answer gives for an entry; when it does not say which (no readable
 * template), the remembered ones, so that one such answer reports no key change.
 */
const keysOf = (template: CredentialMap, remembered: string[] | undefined): string[] =>
	templateKeys(template) ?? remembered ?? [];

const isStringArray = (value: unknown): value is string[] =>
	Array.isArray(value) && value.every((entry) => typeof entry === 'string');

/** The key sets of a stored state, or undefined when they are not what this code wrote. */
function storedKeySets(state: TriggerState): string[][] | undefined {
	const sets = state.keySets;
	return Array.isArray(sets) && sets.every(isStringArray) ? sets.map((set) => [...set]) : undefined;
}

// ---------------------------------------------------------------------------------------------
// vendors

/** The digest of the Name Contains filter, if one is set. */
const nameFilterDigest = (filters: VendorFilters) => {
	const nameContains = nameFilterOf(filters);
	return nameContains === undefined ? undefined : digest(nameContains);
};

export interface VendorSnapshot {
	integrationStatus: string | null;
	integrationType: string | null;
	credentialKeys: string[];
	/** Whether the name contained the current Name Contains filter; undefined: not known. */
	nameMatched?: boolean;
}

/**
 * The remembered vendors by id digest, or undefined when the state holds none (or is damaged).
 * A vendor's name bit is only known when it was recorded for the same Name Contains filter.
 */
export function rememberedVendors(state: TriggerState, filters: VendorFilters): Map<string, VendorSnapshot> | undefined {
	const { vendors, profiles, width } = state;
	const keySets = storedKeySets(state);
	if (typeof vendors !== 'string' || !Array.isArray(profiles) || typeof width !== 'number' || !keySets) return undefined;
	if (width < 1 || vendors.length % (8 + width) !== 0) return undefined;
	const sameNameFilter = state.nameFilter !== undefined && state.nameFilter === nameFilterDigest(filters);
	const snapshots: VendorSnapshot[] = [];
	for (const profile of profiles as unknown[]) {
		// format 1: three fields, no name bit
		if (!Array.isArray(profile) || (profile.length !== 3 && profile.length !== 4)) return undefined;
		const [status, type, keys, nameMatched] = profile;
		if (typeof keys !== 'number' || !keySets[keys]) return undefined;
		snapshots.push({
			integrationStatus: typeof status === 'string' ? status : null,
			integrationType: typeof type === 'string' ? type : null,
			credentialKeys: keySets[keys],
			...(sameNameFilter && typeof nameMatched === 'boolean' ? { nameMatched } : {}),
		});
	}
	const known = new Map<string, VendorSnapshot>();
	for (let at = 0; at < vendors.length; at += 8 + width) {
		const snapshot = snapshots[decodeNumber(vendors.slice(at + 8, at + 8 + width))];
		if (!snapshot) return undefined;
		known.set(vendors.slice(at, at + 8), snapshot);
	}
	return known;
}

/** The vendor part of the state for this vendor list and these filters (`known`: the remembered vendors). */
export function vendorState(
	vendors: Vendor[],
	filters: VendorFilters,
	known?: Map<string, VendorSnapshot>,
): Pick<TriggerState, 'keySets' | 'profiles' | 'width' | 'vendors' | 'nameFilter'> {
	const nameFilter = nameFilterDigest(filters);
	const keySets = new KeySetTable();
	const profiles: Profile[] = [];
	const profileIndex = new Map<string, number>();
	const records: Array<[string, number]> = [];
	const seen = new Set<string>();
	for (const vendor of vendors) {
		const id = digest(vendor.id);
		if (seen.has(id)) continue;
		seen.add(id);
		const profile: Profile = [
			vendor.integrationStatus ?? null,
			vendor.integrationType ?? null,
			keySets.add(keysOf(vendor.integrationCredentialTemplate, known?.get(id)?.credentialKeys)),
			nameFilter === undefined ? null : matchesName(filters, vendor.name),
		];
		const key = JSON.stringify(profile);
		let at = profileIndex.get(key);
		if (at === undefined) {
			at = profiles.push(profile) - 1;
			profileIndex.set(key, at);
		}
		records.push([id, at]);
	}
	let width = 1;
	while (64 ** width < profiles.length) width++;
	return {
		keySets: keySets.sets,
		profiles,
		width,
		vendors: records.map(([id, at]) => id + encodeNumber(at, width)).join(''),
		...(nameFilter === undefined ? {} : { nameFilter }),
	};
}

function sameKeys(a: string[], b: string[]): boolean {
	return setKey(a) === setKey(b);
}

function keyChange(before: string[], after: string[]): IDataObject {
	return {
		before,
		after,
		added: after.filter((key) => !before.includes(key)),
		removed: before.filter((key) => !after.includes(key)),
	};
}

/** A vendor as Vendor: List gives it, with the event first. */
export function vendorItem(event: VendorEvent, vendor: Vendor, changes?: IDataObject): IDataObject {
	return { event, ...withTemplate(vendor), ...(changes ? { changes } : {}) };
}

/**
 * The items of one vendor event between the remembered catalogue and the current one.
 * Added: a vendor that matches the filters now and was not in the filtered list before (new, or
 * changed or renamed into it). Changed: a known vendor whose status, type or set of credential
 * keys differs, matching the filters before or after the change. Whether a known vendor's name
 * matched before is its remembered name bit; without one (format 1, or another Name Contains
 * filter then) its current name stands in.
 */
export function vendorChanges(
	event: VendorEvent,
	known: Map<string, VendorSnapshot>,
	vendors: Vendor[],
	filters: VendorFilters,
): IDataObject[] {
	const items: IDataObject[] = [];
	const seen = new Set<string>();
	for (const vendor of vendors) {
		const id = digest(vendor.id);
		if (seen.has(id)) continue;
		seen.add(id);
		const before = known.get(id);
		const now = matchesFilters(filters, vendor.name, vendor.integrationStatus, vendor.integrationType);
		const then =
			before !== undefined &&
			matchesStatusAndType(filters, before.integrationStatus, before.integrationType) &&
			(before.nameMatched ?? matchesName(filters, vendor.name));
		if (event === 'vendorAdded') {
			if (now && !then) items.push(vendorItem(event, vendor));
			continue;
		}
		if (!before || !(now || then)) continue;
		const changes: IDataObject = {};
		const status = vendor.integrationStatus ?? null;
		const type = vendor.integrationType ?? null;
		if (status !== before.integrationStatus) changes.integrationStatus = { before: before.integrationStatus, after: status };
		if (type !== before.integrationType) changes.integrationType = { before: before.integrationType, after: type };
		const keys = keysOf(vendor.integrationCredentialTemplate, before.credentialKeys);
		if (!sameKeys(before.credentialKeys, keys)) changes.credentialKeys = keyChange(before.credentialKeys, keys);
		if (Object.keys(changes).length > 0) items.push(vendorItem(event, vendor, changes));
	}
	return items;
}

// ---------------------------------------------------------------------------------------------
// integrations

interface IntegrationSnapshot {
	vendorId: string;
	vendorName: string | null;
	credentialKeys: string[];
}

/** The remembered integrations by id, or undefined when the state holds none (or is damaged). */
export function rememberedIntegrations(state: TriggerState): Map<string, IntegrationSnapshot> | undefined {
	const keySets = storedKeySets(state);
	if (!Array.isArray(state.integrations) || !keySets) return undefined;
	const known = new Map<string, IntegrationSnapshot>();
	for (const entry of state.integrations) {
		if (!Array.isArray(entry) || entry.length !== 4) return undefined;
		const [id, vendorId, vendorName, keys] = entry;
		if (typeof id !== 'string' || typeof vendorId !== 'string' || typeof keys !== 'number' || !keySets[keys]) {
			return undefined;
		}
		known.set(id, { vendorId, vendorName: typeof vendorName === 'string' ? vendorName : null, credentialKeys: keySets[keys] });
	}
	return known;
}

/**
 * The integration part of the state. A vendor name comes from the vendor list when it was
 * fetched, else from what was remembered.
 */
export function integrationState(
	integrations: Integration[],
	known: Map<string, IntegrationSnapshot> | undefined,
	vendorNames: Map<string, string> | undefined,
): Pick<TriggerState, 'keySets' | 'integrations'> {
	const keySets = new KeySetTable();
	const seen = new Set<string>();
	const entries: KnownIntegration[] = [];
	for (const integration of integrations) {
		if (seen.has(integration.id)) continue;
		seen.add(integration.id);
		const name = vendorNames?.get(integration.vendorId) ?? known?.get(integration.id)?.vendorName ?? null;
		entries.push([
			integration.id,
			integration.vendorId,
			name,
			keySets.add(keysOf(integration.integrationCredentialTemplate, known?.get(integration.id)?.credentialKeys)),
		]);
	}
	return { keySets: keySets.sets, integrations: entries };
}

/** An integration as Integration: List gives it, with the event first and the vendor's name. */
export function integrationItem(
	event: IntegrationEvent,
	integration: Integration,
	vendorName: string | null,
	changes?: IDataObject,
): IDataObject {
	return { event, ...withTemplate(integration), vendorName, ...(changes ? { changes } : {}) };
}

/** What is left of a removed integration: its last known id, vendor and credential keys. */
export function removedItem(id: string, before: IntegrationSnapshot, vendorName: string | null): IDataObject {
	return {
		event: 'integrationRemoved',
		id,
		vendorId: before.vendorId,
		vendorName,
		credentialKeys: before.credentialKeys,
	};
}

/** The items of one integration event between the remembered integrations and the current ones. */
export function integrationChanges(
	event: IntegrationEvent,
	known: Map<string, IntegrationSnapshot>,
	integrations: Integration[],
	vendorNames: Map<string, string>,
): IDataObject[] {
	const items: IDataObject[] = [];
	const current = new Map<string, Integration>();
	for (const integration of integrations) if (!current.has(integration.id)) current.set(integration.id, integration);
	if (event === 'integrationRemoved') {
		for (const [id, before] of known) {
			if (!current.has(id)) items.push(removedItem(id, before, vendorNames.get(before.vendorId) ?? before.vendorName));
		}
		return items;
	}
	for (const integration of current.values()) {
		const before = known.get(integration.id);
		const name = vendorNames.get(integration.vendorId) ?? before?.vendorName ?? null;
		if (event === 'integrationAdded' && !before) items.push(integrationItem(event, integration, name));
		if (event === 'integrationChanged' && before) {
			const keys = keysOf(integration.integrationCredentialTemplate, before.credentialKeys);
			if (!sameKeys(before.credentialKeys, keys)) {
				items.push(integrationItem(event, integration, name, { credentialKeys: keyChange(before.credentialKeys, keys) }));
			}
		}
	}
	return items;
}
