import { z } from 'zod';

import { integrationListZodSchema, vendorListZodSchema } from './answers';
import { normaliseTemplate } from './templates';

// The lean list path
//
// A list answer can hold 100,000 entries. zod checks and copies each one through many small
// intermediate objects; the checks below do the same work in one pass and build exactly what
// zod builds (same values, same own keys in the same order, `__proto__` dropped from entries as
// zod drops it, templates as `normaliseTemplate` makes them). An entry that already is what zod
// would build is used as it is, not copied. Whenever they meet anything they do not accept, they
// return undefined and zod runs instead, so every error message is zod's own.
// test/schemas/leanLists.test.ts compares both, byte for byte.

type VendorList = z.output<typeof vendorListZodSchema>;
type IntegrationList = z.output<typeof integrationListZodSchema>;

/** An object zod reads as an object: not null, not an array, a plain or prototype-less object. */
function isRecord(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null) return false;
	const proto = Object.getPrototypeOf(value) as unknown;
	return proto === Object.prototype || proto === null;
}

/** `z.union([z.string(), z.number()]).transform(String)`; undefined where zod would fail. */
function fastId(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	// zod refuses NaN (its parsed type is "nan"); Infinity passes and becomes "Infinity".
	if (typeof value === 'number' && value === value) return String(value);
	return undefined;
}

/**
 * An optional string field as zod's object parser sets it: absent keys stay absent, a present
 * key whose value is undefined is set to undefined. False where zod would fail.
 */
function copyOptionalString(out: Record<string, unknown>, entry: Record<string, unknown>, key: string): boolean {
	const value = entry[key];
	if (typeof value === 'string') {
		out[key] = value;
		return true;
	}
	if (value !== undefined) return false;
	if (key in entry) out[key] = undefined;
	return true;
}

/** The passthrough keys of an object in zod's order (for…in), minus `__proto__` and undefined values. */
function copyExtras(out: Record<string, unknown>, from: Record<string, unknown>, isShapeKey: (key: string) => boolean): void {
	for (const key in from) {
		if (key === '__proto__' || isShapeKey(key)) continue;
		const value = from[key];
		if (value !== undefined) out[key] = value;
	}
}

const isVendorKey = (key: string) =>
	key === 'id' || key === 'name' || key === 'integrationStatus' || key === 'integrationType' || key === 'integrationCredentialTemplate';

/** zod's order of a vendor's own keys: the shape's (the two optional ones may be absent), then the passthrough ones. */
const VENDOR_ORDER = ['id', 'name', 'integrationStatus', 'integrationType', 'integrationCredentialTemplate'];
const isOptionalVendorKey = (key: string) => key === 'integrationStatus' || key === 'integrationType';

/**
 * Whether zod's result for this vendor would be an object equal to it: a plain object with a
 * string id, string status and type where present, a template `normaliseTemplate` keeps as it is,
 * its keys in zod's order, and no key zod drops. The API's answers are like that.
 */
function isZodShapedVendor(entry: Record<string, unknown>): boolean {
	if (Object.getPrototypeOf(entry) !== Object.prototype || typeof entry.id !== 'string' || typeof entry.name !== 'string') return false;
	let next = 0;
	for (const key in entry) {
		const value = entry[key];
		if (next < VENDOR_ORDER.length) {
			while (VENDOR_ORDER[next] !== key && isOptionalVendorKey(VENDOR_ORDER[next])) next++;
			if (VENDOR_ORDER[next] !== key) return false;
			next++;
			if (isOptionalVendorKey(key) && typeof value !== 'string') return false;
			if (key === 'integrationCredentialTemplate' && normaliseTemplate(value) !== value) return false;
		} else if (key === '__proto__' || value === undefined || isVendorKey(key)) return false;
	}
	return next === VENDOR_ORDER.length;
}

function fastVendor(entry: unknown): Record<string, unknown> | undefined {
	if (!isRecord(entry)) return undefined;
	if (isZodShapedVendor(entry)) return entry;
	const id = fastId(entry.id);
	const name = entry.name;
	if (id === undefined || typeof name !== 'string') return undefined;
	const out: Record<string, unknown> = { id, name };
	if (!copyOptionalString(out, entry, 'integrationStatus')) return undefined;
	if (!copyOptionalString(out, entry, 'integrationType')) return undefined;
	out.integrationCredentialTemplate = normaliseTemplate(entry.integrationCredentialTemplate);
	copyExtras(out, entry, isVendorKey);
	return out;
}

const isIntegrationKey = (key: string) => key === 'id' || key === 'vendorId' || key === 'integrationCredentialTemplate';

function fastIntegration(entry: unknown): Record<string, unknown> | undefined {
	if (!isRecord(entry)) return undefined;
	const id = fastId(entry.id);
	const vendorId = fastId(entry.vendorId);
	if (id === undefined || vendorId === undefined) return undefined;
	const out: Record<string, unknown> = {
		id,
		vendorId,
		integrationCredentialTemplate: normaliseTemplate(entry.integrationCredentialTemplate),
	};
	copyExtras(out, entry, isIntegrationKey);
	return out;
}

/** `{ [listKey]: entry[] }` plus passthrough keys, each entry through `fastEntry`; undefined where zod would fail. */
function fastList(
	json: unknown,
	listKey: string,
	fastEntry: (entry: unknown) => Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
	if (!isRecord(json)) return undefined;
	const raw = json[listKey];
	if (!Array.isArray(raw)) return undefined;
	const entries: unknown[] = new Array(raw.length);
	for (let i = 0; i < raw.length; i++) {
		const entry = fastEntry(raw[i]);
		if (entry === undefined) return undefined;
		entries[i] = entry;
	}
	const out: Record<string, unknown> = { [listKey]: entries };
	copyExtras(out, json, (key) => key === listKey);
	return out;
}

/**
 * A schema that answers like `zod` but tries `fast` first; when `fast` gives up, zod's own
 * result (its issues, paths and messages unchanged) is returned. It is a zod schema itself, so
 * the transport's `schema.safeParse(json)` takes it as it takes any other.
 */
function withFastPath<T>(zod: z.ZodType<T, z.ZodTypeDef, unknown>, fast: (json: unknown) => unknown) {
	return z.unknown().transform((json, ctx): T => {
		const quick = fast(json);
		if (quick !== undefined) return quick as T;
		const checked = zod.safeParse(json);
		if (checked.success) return checked.data;
		for (const issue of checked.error.issues) ctx.addIssue(issue);
		return z.NEVER;
	});
}

export const fastVendorList = (json: unknown) => fastList(json, 'vendors', fastVendor) as VendorList | undefined;
export const fastIntegrationList = (json: unknown) => fastList(json, 'integrations', fastIntegration) as IntegrationList | undefined;

/** The vendor list answer: `vendorListZodSchema`'s result, checked by the fast path first. */
export const vendorListSchema = withFastPath(vendorListZodSchema, fastVendorList);
/** The integration list answer: `integrationListZodSchema`'s result, checked by the fast path first. */
export const integrationListSchema = withFastPath(integrationListZodSchema, fastIntegrationList);
