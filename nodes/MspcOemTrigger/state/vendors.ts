/** The vendor events' part of the state: how a catalogue is remembered and compared with the next. */
import type { IDataObject } from 'n8n-workflow';

import { withTemplate } from '../../shared/listItems';
import type { Vendor } from '../../shared/schemas/answers';
import { matchesFilters, matchesName, matchesStatusAndType, nameFilterOf, type VendorFilters } from '../../shared/vendorFilter';
import { decodeNumber, digest, encodeNumber, type Profile, type TriggerState } from './codec';
import type { VendorEvent } from './events';
import { KeySetTable, keyChange, keysOf, sameKeys, storedKeySets } from './keySets';

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
