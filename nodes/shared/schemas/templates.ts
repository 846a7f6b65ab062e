/**
 * A key → value map. Credential values the user gives are built without a prototype (`emptyMap`);
 * templates from the API are plain objects whose every key is an own data property (see
 * `normaliseTemplate`). Either way keys such as `__proto__` stay plain data.
 */
export type CredentialMap = Record<string, string>;

export function emptyMap<T>(): Record<string, T> {
	return Object.create(null) as Record<string, T>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
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
