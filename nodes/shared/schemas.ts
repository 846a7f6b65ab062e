import { z } from 'zod';

/**
 * A key → value map. Credential values the user gives are built without a prototype (`emptyMap`);
 * templates from the API are plain objects whose every key is an own data property (see
 * `normaliseTemplate`). Either way keys such as `__proto__` stay plain data.
 */
export type CredentialMap = Record<string, string>;

export function emptyMap<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets a key as own data: assigning `__proto__` would set the prototype, assigning over a frozen built-in throws. */
function setData(target: Record<string, unknown>, key: string, value: unknown): void {
	if (key in target) Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
	else target[key] = value;
}

/** Templates whose shape names no keys reliably: missing, not an object, or an array holding anything else. */
const unreadableTemplates = new WeakSet<CredentialMap>();

/** A template the API gave already normalised: a plain object whose every value is a string (JSON's own keys only). */
function isNormalTemplate(raw: unknown): raw is CredentialMap {
	if (typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype) return false;
	for (const key in raw) if (typeof (raw as Record<string, unknown>)[key] !== 'string') return false;
	return true;
}

/**
 * The API gives a vendor's credential template as an object and an integration's as an array
 * of objects; both become one plain key → default-value object, keys exactly as the API spells
 * them, each an own data property. A string in the array can only name a key (the sandbox's seed
 * writes templates as key lists too), so it is read as one with an empty default. Any other shape
 * gives an empty object that `templateKeys` reports as unknown. An object that already is such a
 * template is returned as it is: a list of 100,000 vendors is not copied for it.
 */
export function normaliseTemplate(raw: unknown): CredentialMap {
	if (isNormalTemplate(raw)) return raw;
	const map: CredentialMap = {};
	const parts = Array.isArray(raw) ? raw : [raw];
	const read = parts.map((part) => addTemplatePart(map, part, Array.isArray(raw)));
	if (!read.every(Boolean)) unreadableTemplates.add(map);
	return map;
}

/** Adds a template part's keys; false when the part is not one a template is made of. */
function addTemplatePart(map: CredentialMap, part: unknown, inArray: boolean): boolean {
	if (inArray && typeof part === 'string') {
		setData(map, part, '');
		return true;
	}
	if (!isPlainObject(part)) return false;
	for (const key of Object.keys(part)) {
		const value = part[key];
		setData(map, key, typeof value === 'string' ? value : '');
	}
	return true;
}

/**
 * The keys a normalised template names, or undefined when the API's template did not say which
 * (an empty map then means "unknown", not "no keys").
 */
export function templateKeys(template: CredentialMap): string[] | undefined {
	return unreadableTemplates.has(template) ? undefined : Object.keys(template);
}

const id = z.union([z.string(), z.number()]).transform(String);
const template = z.unknown().transform(normaliseTemplate);

export const vendorSchema = z
	.object({
		id,
		name: z.string(),
		integrationStatus: z.string().optional(),
		integrationType: z.string().optional(),
		integrationCredentialTemplate: template,
	})
	.passthrough();

/** The vendor list as zod checks it; the node uses `vendorListSchema`, which agrees with it. */
export const vendorListZodSchema = z.object({ vendors: z.array(vendorSchema) }).passthrough();

export const integrationSchema = z
	.object({
		id,
		vendorId: id,
		integrationCredentialTemplate: template,
	})
	.passthrough();

/** The integration list as zod checks it; the node uses `integrationListSchema`, which agrees with it. */
export const integrationListZodSchema = z
	.object({ integrations: z.array(integrationSchema) })
	.passthrough();

/**
 * Create and update both answer with the integration they touched. Only its documented fields
 * are kept (and output): an API that echoes the credentials it stored must not put them into
 * the execution. A wrong `integrationKind` is left out rather than failing a write that was done.
 */
export const integrationMutationSchema = z
	.object({
		integration: z.object({ id, vendorId: id.optional(), integrationKind: z.string().optional().catch(undefined) }),
	})
	.passthrough();

const isTokenKey = (key: string) => key.toLowerCase().replace(/[^a-z]/g, '') === 'organizationoemtoken';

/** Every non-empty string under an organizationOemToken key (any spelling), at any depth. */
function tokensIn(value: unknown, found = new Set<string>()): Set<string> {
	if (Array.isArray(value)) value.forEach((entry) => tokensIn(entry, found));
	else if (isPlainObject(value)) {
		for (const [key, entry] of Object.entries(value)) {
			if (isTokenKey(key) && typeof entry === 'string' && entry.trim() !== '') found.add(entry);
			else tokensIn(entry, found);
		}
	}
	return found;
}

/**
 * Organization: Create and User: Add answer with the organization's token (the only time it is
 * given), documented at the top level. Found at any other path too, since failing would lose it;
 * two different ones cannot be told apart.
 */
export const organizationCreatedSchema = z.unknown().transform((json, ctx): { organizationOemToken: string } => {
	const tokens = [...tokensIn(json)];
	if (tokens.length === 1) return { organizationOemToken: tokens[0] };
	ctx.addIssue({
		code: z.ZodIssueCode.custom,
		path: ['organizationOemToken'],
		message: tokens.length ? `${tokens.length} different values` : 'Required',
	});
	return z.NEVER;
});

/** User: Remove answers `{status, message}` only. */
export const deletedSchema = z.object({}).passthrough();

/** The OEM error body is undocumented: success bodies use `status`, the Alerts API `statusCode`. */
export const apiErrorSchema = z
	.object({
		message: z.union([z.string(), z.array(z.string())]).optional(),
		error: z.string().optional(),
		status: z.number().optional(),
		statusCode: z.number().optional(),
	})
	.passthrough();

/**
 * An error body as the OEM API sends it (its success bodies' `{status, message}`, the Alerts API's
 * `{statusCode, message}`): words and a status. Anything else came from some other server.
 */
export const oemErrorSchema = apiErrorSchema.refine(
	(body) => (body.message !== undefined || body.error !== undefined) && (body.status !== undefined || body.statusCode !== undefined),
);

export type Vendor = z.infer<typeof vendorSchema>;
export type Integration = z.infer<typeof integrationSchema>;

// ---------------------------------------------------------------------------------------------
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
