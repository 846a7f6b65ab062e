/**
 * The lean list path (nodes/shared/schemas/leanLists.ts) against zod: for every answer the fast check accepts it must
 * build exactly what zod builds, and for every answer zod refuses the node must report zod's own
 * issues. "Exactly" is checked byte for byte (JSON.stringify) and structurally: the same own keys
 * in the same order, the same prototypes (templates are prototype-less maps), the same property
 * attributes, all the way down.
 */
import { withTemplate } from '../../nodes/shared/listItems';
import { integrationListZodSchema, vendorListZodSchema } from '../../nodes/shared/schemas/answers';
import { fastIntegrationList, fastVendorList, integrationListSchema, vendorListSchema } from '../../nodes/shared/schemas/leanLists';
import { manyVendors } from '../../scripts/lib/fixtures';

/** Every difference between two values, as paths; empty when they are the same structure. */
function differences(a: unknown, b: unknown, path: PropertyKey[] = [], out: string[] = []): string[] {
	const at = () => `$${path.map((key) => `[${JSON.stringify(String(key))}]`).join('')}`;
	if (out.length > 20) return out;
	if (typeof a !== typeof b) {
		out.push(`${at()}: ${typeof a} vs ${typeof b}`);
		return out;
	}
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
		if (!Object.is(a, b)) out.push(`${at()}: ${String(a)} vs ${String(b)}`);
		return out;
	}
	if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) out.push(`${at()}: different prototypes`);
	const keysA = Reflect.ownKeys(a);
	const keysB = Reflect.ownKeys(b);
	if (keysA.length !== keysB.length || keysA.some((key, i) => key !== keysB[i])) {
		out.push(`${at()}: own keys [${keysA.map(String).join(', ')}] vs [${keysB.map(String).join(', ')}]`);
		return out;
	}
	for (const key of keysA) {
		const da = Object.getOwnPropertyDescriptor(a, key)!;
		const db = Object.getOwnPropertyDescriptor(b, key)!;
		path.push(key);
		if (da.enumerable !== db.enumerable || da.writable !== db.writable || da.configurable !== db.configurable || !!da.get !== !!db.get) {
			out.push(`${at()}: different attributes`);
		}
		differences(da.value, db.value, path, out);
		path.pop();
	}
	return out;
}

/** The item as the node built it before the one-pass version: spread entry, every template key defined. */
function referenceItem(entry: Record<string, unknown>): Record<string, unknown> {
	const template = entry.integrationCredentialTemplate as Record<string, unknown>;
	const keys = Object.keys(template);
	const plain = {};
	for (const key of keys) Object.defineProperty(plain, key, { value: template[key], enumerable: true, writable: true, configurable: true });
	return { ...entry, integrationCredentialTemplate: plain, credentialKeys: keys };
}

type Schemas = {
	fast: (json: unknown) => unknown;
	lean: { safeParse(json: unknown): { success: boolean; data?: unknown; error?: { issues: unknown[] } } };
	zod: { safeParse(json: unknown): { success: boolean; data?: unknown; error?: { issues: unknown[] } } };
};
const vendors: Schemas = { fast: fastVendorList, lean: vendorListSchema, zod: vendorListZodSchema };
const integrations: Schemas = { fast: fastIntegrationList, lean: integrationListSchema, zod: integrationListZodSchema };

/** The fast path accepts `json` and agrees with zod; the schema the node uses returns the same. */
function expectFastAgrees(schemas: Schemas, json: unknown) {
	const zod = schemas.zod.safeParse(json);
	expect(zod.success).toBe(true);
	const fast = schemas.fast(json);
	expect(fast).toBeDefined();
	expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
	expect(differences(fast, zod.data)).toEqual([]);
	const lean = schemas.lean.safeParse(json);
	expect(lean.success).toBe(true);
	expect(differences(lean.data, zod.data)).toEqual([]);
	// The output items built from these entries are what the spread-based building gave.
	const data = zod.data as Record<string, Array<Record<string, unknown>>>;
	const entries = data.vendors ?? data.integrations;
	for (let i = 0; i < Math.min(entries.length, 1000); i++) {
		expect(differences(withTemplate(entries[i] as never), referenceItem(entries[i]))).toEqual([]);
	}
	return data;
}

/** The fast path gives up and the node's schema reports zod's issues, unchanged. */
function expectFallback(schemas: Schemas, json: unknown) {
	expect(schemas.fast(json)).toBeUndefined();
	const zod = schemas.zod.safeParse(json);
	const lean = schemas.lean.safeParse(json);
	expect(lean.success).toBe(zod.success);
	if (zod.success) expect(differences(lean.data, zod.data)).toEqual([]);
	else expect(lean.error!.issues).toEqual(zod.error!.issues);
	return zod;
}

/** JSON text as the transport gets it: keys such as `__proto__` become own data properties. */
const parse = (text: string) => JSON.parse(text) as unknown;

describe('vendor list: the fast path builds what zod builds', () => {
	test('an ordinary answer, keys in the API order or any other', () => {
		expectFastAgrees(
			vendors,
			parse(`{"status":200,"vendors":[
				{"id":"6761b3bbc9a3d1cfe9c2e3a1","name":"Acme RMM","integrationStatus":"active","integrationType":"custom_hosted","integrationCredentialTemplate":{"api key":"","api username":"default user"}},
				{"integrationCredentialTemplate":{"token":""},"name":"Backup Co","id":"b2","integrationType":"external","integrationStatus":"pending"}
			]}`),
		);
	});

	test('__proto__, constructor and integer-like keys in entries, templates and the answer itself', () => {
		const data = expectFastAgrees(
			vendors,
			parse(`{"1":"one","01":"zero one","__proto__":{"polluted":true},"constructor":"c","vendors":[
				{"id":"v1","name":"V","__proto__":{"polluted":true},"constructor":{"x":1},"hasOwnProperty":"h","10":"ten","2":"two","01":"o","-1":"m","4294967295":"max",
				 "integrationCredentialTemplate":{"__proto__":"p","constructor":"c","toString":"t","2":"two","1":"one","01":"zero one","1.5":"f","api key":""}}
			]}`),
		);
		// zod drops `__proto__` from the objects it builds and keeps it in templates, as own data.
		const vendor = data.vendors[0];
		expect(Object.prototype.hasOwnProperty.call(vendor, '__proto__')).toBe(false);
		expect(Object.keys(vendor.integrationCredentialTemplate as object)).toContain('__proto__');
		expect(Object.getPrototypeOf(vendor.integrationCredentialTemplate)).toBe(Object.prototype);
		expect(Object.getOwnPropertyDescriptor(vendor.integrationCredentialTemplate, '__proto__')?.value).toBe('p');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	test('numeric ids become strings as zod makes them', () => {
		expectFastAgrees(
			vendors,
			parse(`{"vendors":[
				{"id":0,"name":"a"},{"id":-0,"name":"b"},{"id":42,"name":"c"},{"id":-7.25,"name":"d"},{"id":1e21,"name":"e"},
				{"id":1e999,"name":"f"},{"id":12345678901234567890,"name":"g"},{"id":"","name":""}
			]}`),
		);
	});

	test('templates: object, array, colliding keys across parts, odd parts, non-string values, missing', () => {
		expectFastAgrees(
			vendors,
			parse(`{"vendors":[
				{"id":"a","name":"object","integrationCredentialTemplate":{"api key":"k","n":null,"num":5,"bool":true,"obj":{"x":"y"},"arr":["z"]}},
				{"id":"b","name":"array","integrationCredentialTemplate":[{"api key":"first","x":""},{"api key":"second","y":"y"},{"x":7}]},
				{"id":"c","name":"odd parts","integrationCredentialTemplate":[null,"s",3,[{"nested":"array"}],{},{"ok":"yes"}]},
				{"id":"d","name":"null","integrationCredentialTemplate":null},
				{"id":"e","name":"string","integrationCredentialTemplate":"api key"},
				{"id":"f","name":"number","integrationCredentialTemplate":12},
				{"id":"g","name":"missing"},
				{"id":"h","name":"empty array","integrationCredentialTemplate":[]}
			]}`),
		);
	});

	test('missing optional fields stay absent; extra fields pass through untouched', () => {
		const data = expectFastAgrees(
			vendors,
			parse(`{"vendors":[
				{"id":"a","name":"bare","integrationCredentialTemplate":{}},
				{"id":"b","name":"only status","integrationStatus":"inactive","integrationCredentialTemplate":{}},
				{"id":"c","name":"extras","logo":null,"tags":["x",{"y":1}],"meta":{"a":{"b":[1,2]}},"score":1.5,"flag":false,
				 "integrationType":"external","integrationCredentialTemplate":{"k":""}}
			],"page":{"total":3},"message":"ok"}`),
		);
		expect('integrationStatus' in data.vendors[0]).toBe(false);
		expect('integrationType' in data.vendors[1]).toBe(false);
	});

	test('an empty list', () => {
		expectFastAgrees(vendors, parse('{"vendors":[]}'));
	});

	test('values JSON cannot give: present-but-undefined fields, prototype-less objects', () => {
		const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, {
			id: 'n',
			name: 'null proto',
			integrationCredentialTemplate: { a: '' },
		});
		expectFastAgrees(vendors, {
			vendors: [{ id: 'u', name: 'undefined', integrationStatus: undefined, extra: undefined, integrationCredentialTemplate: {} }, nullProto],
			gone: undefined,
		});
	});

	test('100,000 vendors (the benchmark list)', () => {
		const json = parse(JSON.stringify({ vendors: manyVendors(100_000) }));
		const data = expectFastAgrees(vendors, json);
		expect(data.vendors).toHaveLength(100_000);
	});

	test.each([
		['a top-level array', '[]'],
		['null', 'null'],
		['a string', '"vendors"'],
		['no vendors key', '{"status":200}'],
		['vendors not an array', '{"vendors":{"0":{"id":"a","name":"b"}}}'],
		['an entry that is null', '{"vendors":[null]}'],
		['an entry that is an array', '{"vendors":[["id","name"]]}'],
		['a missing id', '{"vendors":[{"name":"x"}]}'],
		['a null id', '{"vendors":[{"id":null,"name":"x"}]}'],
		['a boolean id', '{"vendors":[{"id":true,"name":"x"}]}'],
		['an object id', '{"vendors":[{"id":{"$oid":"1"},"name":"x"}]}'],
		['a missing name', '{"vendors":[{"id":"a"}]}'],
		['a numeric name', '{"vendors":[{"id":"a","name":5}]}'],
		['a null status', '{"vendors":[{"id":"a","name":"x","integrationStatus":null}]}'],
		['a numeric type', '{"vendors":[{"id":"a","name":"x","integrationType":1}]}'],
		['a bad entry after good ones', `{"vendors":[${'{"id":"a","name":"x"},'.repeat(50)}{"id":"b"},{"id":[],"name":1}]}`],
	])('%s: zod decides, with its own issues', (_, text) => {
		const zod = expectFallback(vendors, parse(text));
		expect(zod.success).toBe(false);
	});

	test('non-JSON objects zod reads its own way (a NaN id, a Map, a Date, a class instance) go to zod', () => {
		class Vendor {
			id = 'a';
			name = 'class';
		}
		expect(expectFallback(vendors, { vendors: [{ id: Number.NaN, name: 'x' }] }).success).toBe(false);
		expect(expectFallback(vendors, new Map([['vendors', []]])).success).toBe(false);
		expect(expectFallback(vendors, { vendors: [new Date(0)] }).success).toBe(false);
		// zod accepts a class instance as an object: the fast path leaves it to zod, same result.
		expect(expectFallback(vendors, { vendors: [new Vendor()] }).success).toBe(true);
	});
});

describe('integration list: the fast path builds what zod builds', () => {
	test('array templates, numeric ids, colliding keys, __proto__ and integer-like keys, extras', () => {
		expectFastAgrees(
			integrations,
			parse(`{"__proto__":{"x":1},"0":"zero","integrations":[
				{"id":"i1","vendorId":"v1","integrationCredentialTemplate":[{"api key":""},{"api username":"u"}],"vendorName":"Acme","createdAt":"2026-01-01"},
				{"id":7,"vendorId":8.5,"integrationCredentialTemplate":[{"k":"first"},{"k":"second","__proto__":"p","1":"one","01":"o"}]},
				{"vendorId":"v3","id":"i3","__proto__":{"polluted":true},"constructor":"c","5":"five","integrationCredentialTemplate":{"obj":"template"}},
				{"id":"i4","vendorId":"v4"},
				{"id":"i5","vendorId":"v5","integrationCredentialTemplate":[null,{"a":null},{"a":3}]}
			],"status":200}`),
		);
	});

	test('100,000 integrations', () => {
		const list = manyVendors(100_000).map((vendor, i) => ({
			id: `int-${i}`,
			vendorId: i % 2 ? vendor.id : i,
			integrationCredentialTemplate: Object.keys(vendor.integrationCredentialTemplate as object).map((key) => ({ [key]: '' })),
			createdAt: '2026-01-01T00:00:00.000Z',
		}));
		const data = expectFastAgrees(integrations, parse(JSON.stringify({ integrations: list })));
		expect(data.integrations).toHaveLength(100_000);
	});

	test.each([
		['no integrations key', '{"vendors":[]}'],
		['a missing vendorId', '{"integrations":[{"id":"a"}]}'],
		['a null id', '{"integrations":[{"id":null,"vendorId":"v"}]}'],
		['a boolean vendorId', '{"integrations":[{"id":"a","vendorId":false}]}'],
		['an entry that is a string', '{"integrations":["a"]}'],
	])('%s: zod decides, with its own issues', (_, text) => {
		expect(expectFallback(integrations, parse(text)).success).toBe(false);
	});
});

describe('output items from the list entries', () => {
	test('the template becomes a plain object with every key as own data, the entry is left as it was', () => {
		const data = expectFastAgrees(
			vendors,
			parse(`{"vendors":[{"id":"a","name":"x","integrationCredentialTemplate":{"__proto__":"p","constructor":"c","toString":"t","2":"two","api key":"k"},"extra":1}]}`),
		);
		const entry = data.vendors[0];
		const before = JSON.stringify(entry);
		const item = withTemplate(entry as never);
		expect(JSON.stringify(entry)).toBe(before);
		expect(Object.keys(item)).toEqual(['id', 'name', 'integrationCredentialTemplate', 'extra', 'credentialKeys']);
		const template = item.integrationCredentialTemplate as Record<string, unknown>;
		expect(Object.getPrototypeOf(template)).toBe(Object.prototype);
		expect(Reflect.ownKeys(template)).toEqual(['2', '__proto__', 'constructor', 'toString', 'api key']);
		for (const key of Reflect.ownKeys(template)) {
			expect(Object.getOwnPropertyDescriptor(template, key)).toEqual({
				value: (entry.integrationCredentialTemplate as unknown as Record<string | symbol, unknown>)[key],
				enumerable: true,
				writable: true,
				configurable: true,
			});
		}
		expect(item.credentialKeys).toEqual(['2', '__proto__', 'constructor', 'toString', 'api key']);
		expect(JSON.stringify(item)).toBe(
			'{"id":"a","name":"x","integrationCredentialTemplate":{"2":"two","__proto__":"p","constructor":"c","toString":"t","api key":"k"},"extra":1,"credentialKeys":["2","__proto__","constructor","toString","api key"]}',
		);
	});
});
