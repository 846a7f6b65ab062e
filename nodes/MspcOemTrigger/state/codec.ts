/**
 * The stored form of what the trigger remembers between polls.
 *
 * It lives in n8n's workflow static data (the node's part), which n8n keeps in its database (also
 * in queue mode), and it holds no credential values, tokens or names of credential values: only
 *  - for the vendor events, per vendor an 8-character digest of its id and the index of its
 *    "profile" (integration status, integration type, set of credential keys, whether its name
 *    contained the Name Contains filter) in a table of the distinct profiles, all packed into one
 *    string (9 characters per vendor for up to 64 profiles): a 100,000-vendor catalogue takes
 *    about 0.9 MB; with a Name Contains filter, also a digest of that filter (vendors.ts);
 *  - for the integration events, per integration of the one organization its id, vendor id,
 *    last known vendor name and the index of its set of credential keys (integrations.ts);
 *  - the table of distinct credential-key sets (key names are template data, not secrets; keySets.ts);
 *  - a digest of where the lists came from (event family, Base URL, Client ID and organization
 *    token), so that pointing the node elsewhere starts a new baseline instead of reporting the
 *    difference between two catalogues or two organizations as changes;
 *  - two counters that keep overlapping polls from reporting a change twice or going back in time.
 *
 * Every successful poll compares with the lists of the previous one and replaces them. n8n saves
 * static data only after a poll that emits and after the poll at activation (also at each start),
 * so after a restart the first poll compares with the lists as last saved (README, Trigger).
 */

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
export type Profile = [string | null, string | null, number, boolean | null];
/** An integration as remembered: [id, vendorId, vendorName, index into keySets]. */
export type KnownIntegration = [string, string, string | null, number];

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

export function encodeNumber(value: number, width: number): string {
	let text = '';
	let rest = value;
	for (let i = 0; i < width; i++) {
		text = ALPHABET[rest % 64] + text;
		rest = Math.floor(rest / 64);
	}
	return text;
}

/** The number a text of the alphabet encodes, or -1 when it holds any other character. */
export function decodeNumber(text: string): number {
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
