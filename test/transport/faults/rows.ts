/**
 * The fault catalogue: every bad input and every API fault the node must survive, each with the
 * essential part of the error a user sees. catalogue.test.ts asserts the rows; secrets.test.ts
 * runs them again and scans everything they produced for secrets.
 */
import type { ICredentialDataDecryptedObject, INode } from 'n8n-workflow';

import type { ScriptedFault } from '../../../sandbox';
import {
	FAST,
	INTEGRATION_ID,
	ODD_IDS,
	SECRETS,
	VALUE_1,
	VALUE_2,
	VENDOR_ID,
	WRONG_TOKEN,
	closedPort,
	NON_LOCAL_HTTP_HOST,
	oddToken,
	params,
	run,
	type FaultOperation,
	type Harness,
	type Outcome,
} from './harness';

export type Operation = FaultOperation;

export interface Row {
	name: string;
	parameters: INode['parameters'];
	/** Faults queued on the sandbox before the run (a function: built from the running harness). */
	faults?: ScriptedFault[] | ((h: Harness) => ScriptedFault[]);
	credentials?: (h: Harness) => Promise<Partial<ICredentialDataDecryptedObject>> | Partial<ICredentialDataDecryptedObject>;
	continueOnFail?: boolean;
	/** Every string must occur in the error message; undefined: the run must succeed. */
	message?: string[];
	/**
	 * n8n itself refuses to run the workflow (a required parameter is empty), showing these
	 * issues on the node; every string must occur among them.
	 */
	issues?: string[];
	/** Every string must occur in the error description. */
	description?: string[];
	httpCode?: string;
	/** How many requests the sandbox must have received (undefined: not checked). */
	requests?: number;
	/** Further checks against the outcome and the sandbox. */
	check?: (outcome: Outcome, h: Harness) => void;
}

const ACTION: Record<Operation, string> = {
	vendorList: 'list the vendors',
	integrationList: "list the organization's integrations",
	create: 'create the integration',
	update: 'update the integration',
	// its first request, which a fault without a path meets first
	upsert: "list the organization's integrations",
	organizationCreate: 'create the organization',
	userAdd: 'add the user',
	userRemove: 'remove the user',
};
const OPERATIONS = Object.keys(ACTION) as Operation[];
const TOKEN_OPERATIONS: Operation[] = ['integrationList', 'create', 'update', 'upsert', 'userRemove'];
const WRITES = ['create', 'update'] as const;
/** The operations that take credential values. */
const VALUE_OPERATIONS = ['create', 'update', 'upsert'] as const;

/** What every failure before a request says in its description: what to do. */
const NOTHING_SENT = 0;

// ---------------------------------------------------------------------------------------------
// Bad input: each fails before any request, naming the field and what to do.
// ---------------------------------------------------------------------------------------------

/** What n8n says before running anything when a required parameter is left empty. */
const N8N_REFUSES = ['The workflow has issues and cannot be executed'];
const required = (label: string) => [`Parameter "${label}" is required.`];

const tokenRows: Row[] = TOKEN_OPERATIONS.flatMap((op) =>
	(
		[
			['missing', undefined],
			['empty', ''],
			['only spaces', '   '],
			['an expression giving nothing', '={{ $json.nothing }}'],
			['an expression giving spaces', '={{ "  " }}'],
		] as const
	).map(([what, token]): Row => {
		const parameters = params(op);
		if (token === undefined) delete parameters.organizationOemToken;
		else parameters.organizationOemToken = token;
		const byN8n = token === undefined || token === '';
		return {
			name: `${op}: organization OEM token ${what}`,
			parameters,
			...(byN8n
				? { message: N8N_REFUSES, issues: required('Organization OEM Token') }
				: {
						message: ["The 'Organization OEM Token' parameter is empty for item 0"],
						description: ['Set it to the organizationOemToken returned when the organization was created'],
					}),
			requests: NOTHING_SENT,
		};
	}),
);

const idRows: Row[] = [
	{
		name: 'create: vendor id ""',
		parameters: params('create', { vendorId: { __rl: true, mode: 'id', value: '' } }),
		message: N8N_REFUSES,
		issues: required('Vendor'),
		requests: NOTHING_SENT,
	},
	{
		name: 'create: vendor not set at all',
		parameters: (() => {
			const p = params('create');
			delete p.vendorId;
			return p;
		})(),
		message: N8N_REFUSES,
		issues: required('Vendor'),
		requests: NOTHING_SENT,
	},
	...(['   ', '={{ $json.nothing }}'] as const).map((value) => ({
		name: `create: vendor id ${JSON.stringify(value)}`,
		parameters: params('create', { vendorId: { __rl: true, mode: 'id', value } }),
		message: ["The 'Vendor' parameter is empty for item 0"],
		description: ['Pick a vendor from the list, or give its ID'],
		requests: NOTHING_SENT,
	})),
	{
		name: 'update: integration id ""',
		parameters: params('update', { integrationId: { __rl: true, mode: 'id', value: '' } }),
		message: N8N_REFUSES,
		issues: required('Integration'),
		requests: NOTHING_SENT,
	},
	...(['   ', '={{ $json.nothing }}'] as const).map((value) => ({
		name: `update: integration id ${JSON.stringify(value)}`,
		parameters: params('update', { integrationId: { __rl: true, mode: 'id', value } }),
		message: ["The 'Integration' parameter is empty for item 0"],
		description: ['Pick an integration from the list, or give its ID'],
		requests: NOTHING_SENT,
	})),
	...(['.', '..'] as const).map((value) => ({
		name: `update: integration id ${JSON.stringify(value)} (URL normalisation would change the route)`,
		parameters: params('update', { integrationId: { __rl: true, mode: 'id', value } }),
		message: [`Could not update the integration: the ID "${value}" cannot be used`],
		description: ['Nothing was sent'],
		requests: NOTHING_SENT,
	})),
	// Ids that need encoding: the update reaches the integration with exactly that id.
	...ODD_IDS.map((id, index) => ({
		name: `update: integration id ${JSON.stringify(id)} is encoded into one path segment`,
		parameters: params('update', {
			organizationOemToken: oddToken(index),
			integrationId: { __rl: true, mode: 'id', value: id },
		}),
		requests: 1,
		check: (outcome: Outcome, h: Harness) => {
			expect(outcome.requests[0].path).toBe(`/api/oem-api/integration/${encodeURIComponent(id)}`);
			expect(outcome.output!.map((item) => item.json.id)).toEqual([id]);
			const stored = h.sandbox.state().integrations.find((i) => i.id === id);
			expect(stored?.credentials).toEqual({ 'api key': SECRETS.value1, 'api username': SECRETS.value2 });
		},
	})),
	{
		name: 'create: a vendor id with / ? # and spaces goes into the body verbatim',
		parameters: params('create', { vendorId: { __rl: true, mode: 'id', value: 'v/1?x=#y z' } }),
		message: ['Could not create the integration: not found (404): no vendor with this ID exists; pick one from Vendor: List'],
		description: ['The API said: Vendor not found'],
		httpCode: '404',
		requests: 1,
		check: (outcome) => {
			expect(outcome.requests[0].path).toBe('/api/oem-api/integration');
			expect((outcome.requests[0].body as { data: { vendorId: string } }).data.vendorId).toBe('v/1?x=#y z');
		},
	},
];

const json = (text: string) => ({ credentialsMode: 'json', credentialsJson: text });
const keyValues = (...pairs: Array<[unknown, unknown]>): INode['parameters'] =>
	({
		credentialsMode: 'keyValue',
		credentialValues: { values: pairs.map(([key, value]) => ({ key, value })) },
	}) as INode['parameters'];

const valueRows: Row[] = VALUE_OPERATIONS.flatMap((op): Row[] => [
	{
		name: `${op}: no credential values (key/value)`,
		parameters: params(op, keyValues()),
		message: ['No credential values were given'],
		description: ['Enter at least one credential value'],
		requests: NOTHING_SENT,
	},
	{
		name: `${op}: no credential values (JSON {})`,
		parameters: params(op, json('{}')),
		message: ['No credential values were given'],
		requests: NOTHING_SENT,
	},
	{
		name: `${op}: no credential values (template left blank)`,
		parameters: params(op, {
			credentialsMode: 'template',
			credentialFields: { mappingMode: 'defineBelow', value: { 'api key': '' }, schema: [] },
		}),
		message: ['No credential values were given'],
		requests: NOTHING_SENT,
	},
	{
		name: `${op}: invalid JSON`,
		parameters: params(op, json('{"api key": ')),
		message: ["The 'Credentials (JSON)' parameter is not valid JSON"],
		description: ['Fix the JSON', 'it must be one object such as {"api key": "..."}'],
		requests: NOTHING_SENT,
	},
	{
		name: `${op}: invalid JSON around a secret value (the parser quotes its input)`,
		parameters: params(op, json('={{ "{\\"api key\\": " + $env.FAULTS_VALUE_1 + "}" }}')),
		message: ["The 'Credentials (JSON)' parameter is not valid JSON"],
		description: ['Fix the JSON'],
		requests: NOTHING_SENT,
	},
	...(['[1, 2]', '"api key"', '42', 'null', 'true'] as const).map((text) => ({
		name: `${op}: JSON that is not an object: ${text}`,
		parameters: params(op, json(text)),
		message: ["The 'Credentials (JSON)' parameter must be a JSON object"],
		description: ['Give one object whose keys are credential keys and whose values are strings'],
		requests: NOTHING_SENT,
	})),
	...(
		[
			['42', 'number'],
			['null', 'null'],
			['{"nested": "x"}', 'object'],
			['["x"]', 'an array'],
			['true', 'boolean'],
		] as const
	).map(([value, kind]) => ({
		name: `${op}: a credential value that is ${kind}`,
		parameters: params(op, json(`{"api key": "fine", "api secret": ${value}}`)),
		message: [`The credential value for key "api secret" must be text, not ${kind}`],
		description: ['Credential values are sent as strings'],
		requests: NOTHING_SENT,
	})),
	{
		name: `${op}: a key/value value that is a number`,
		parameters: params(op, keyValues(['api key', 1234])),
		message: ['The credential value for key "api key" must be text, not number'],
		requests: NOTHING_SENT,
	},
	{
		name: `${op}: duplicate keys (key/value)`,
		parameters: params(op, keyValues(['api key', VALUE_1], ['api key', VALUE_2])),
		message: ['The credential key "api key" is given twice in Credential Values'],
		description: ['Remove one of the two entries'],
		requests: NOTHING_SENT,
	},
	...(['', '   ', '\t'] as const).map((key) => ({
		name: `${op}: key ${JSON.stringify(key)} (key/value)`,
		parameters: params(op, keyValues(['api key', VALUE_1], [key, VALUE_2])),
		message: ['A credential key in Credential Values is empty'],
		description: ['Give every credential value the key the vendor expects'],
		requests: NOTHING_SENT,
	})),
	{
		name: `${op}: key "  " (JSON)`,
		parameters: params(op, json('{"  ": "x"}')),
		message: ["A credential key in 'Credentials (JSON)' is empty"],
		requests: NOTHING_SENT,
	},
]);

/** Keys that are data, not paths, and must pollute nothing. */
const ODD_KEYS = ['api.key', 'a[0]', 'a.b[c].d', 'ключ 🔑', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', ' padded '];

function oddKeysCheck(op: 'create' | 'update') {
	return (outcome: Outcome, h: Harness) => {
		const raw = outcome.requests[0].rawBody;
		for (const key of ODD_KEYS) expect(raw).toContain(`${JSON.stringify(key)}:"odd-${key.length}"`);
		const id = op === 'update' ? INTEGRATION_ID : String(outcome.output![0].json.id);
		const stored = h.sandbox.state().integrations.find((i) => i.id === id)!;
		expect(Object.keys(stored.credentials).sort()).toEqual([...ODD_KEYS].sort());
		for (const key of ODD_KEYS) expect(Object.getOwnPropertyDescriptor(stored.credentials, key)?.value).toBe(`odd-${key.length}`);
		// Nothing was polluted.
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(Object.getPrototypeOf({})).toBe(Object.prototype);
		expect(typeof ({} as { constructor: unknown }).constructor).toBe('function');
		expect(Object.keys(Object.prototype)).toEqual([]);
	};
}

const oddKeyRows: Row[] = WRITES.flatMap((op): Row[] => [
	{
		name: `${op}: keys with dots, brackets, unicode, __proto__, constructor, prototype (key/value)`,
		parameters: params(op, keyValues(...ODD_KEYS.map((key): [string, string] => [key, `odd-${key.length}`]))),
		requests: 1,
		check: oddKeysCheck(op),
	},
	{
		name: `${op}: the same keys (JSON)`,
		parameters: params(op, json(JSON.stringify(Object.fromEntries(ODD_KEYS.map((key) => [key, `odd-${key.length}`]))))),
		requests: 1,
		check: oddKeysCheck(op),
	},
]);

// The sandbox refuses bodies over 1 MB with 413 (any real API has some limit). A value of 600 KB
// goes through and is stored whole; a value of exactly 1 MB (1,048,576 characters) makes the body
// exceed the limit, and the node reports the API's 413 plainly, without retrying it.
const BIG = 600 * 1024;
const HUGE = 1024 * 1024;
const MANY = 5000;
const sizeRows: Row[] = WRITES.flatMap((op): Row[] => [
	{
		name: `${op}: a 600 KB value is sent and stored whole`,
		parameters: params(op, keyValues(['api key', '={{ "v".repeat(' + BIG + ') }}'])),
		requests: 1,
		check: (outcome, h) => {
			const id = op === 'update' ? INTEGRATION_ID : String(outcome.output![0].json.id);
			expect(h.sandbox.state().integrations.find((i) => i.id === id)?.credentials['api key']).toHaveLength(BIG);
		},
	},
	{
		name: `${op}: a 1 MB value: the API refuses the body (413), reported as too large, not retried`,
		parameters: params(op, keyValues(['api key', '={{ "v".repeat(' + HUGE + ') }}'])),
		message: [`Could not ${ACTION[op]}: the request is too large for the MSPC OEM API (413): send fewer or shorter credential values`],
		description: ['The API said: Request body is too large'],
		httpCode: '413',
		requests: 1,
	},
	{
		name: `${op}: ${MANY} keys are sent and stored`,
		parameters: params(op, json(JSON.stringify(Object.fromEntries(Array.from({ length: MANY }, (_, i) => [`key ${i}`, `value ${i}`]))))),
		requests: 1,
		check: (outcome, h) => {
			const id = op === 'update' ? INTEGRATION_ID : String(outcome.output![0].json.id);
			const stored = h.sandbox.state().integrations.find((i) => i.id === id)!.credentials;
			expect(Object.keys(stored)).toHaveLength(MANY);
			expect(stored[`key ${MANY - 1}`]).toBe(`value ${MANY - 1}`);
		},
	},
]);

const BASE_URL_ADVICE = 'Set it in the MSPC OEM API credential to your MSPCentric address';
const baseUrlRows: Row[] = [
	{
		name: 'base URL with a path',
		parameters: params('create'),
		credentials: (h) => ({ baseUrl: `${h.sandbox.url}/api/oem-api` }),
		message: ["The credential's Base URL must be the bare address without a path: remove \"/api/oem-api\""],
		description: [BASE_URL_ADVICE, 'Nothing was sent'],
		requests: NOTHING_SENT,
	},
	{
		name: 'base URL with a trailing slash works',
		parameters: params('vendorList'),
		credentials: (h) => ({ baseUrl: `${h.sandbox.url}/` }),
		requests: 1,
		check: (outcome) => {
			expect(outcome.requests[0].path).toBe('/api/oem-api/vendor');
			expect(outcome.output!.length).toBeGreaterThan(0);
		},
	},
	{
		name: 'base URL with surrounding spaces and several trailing slashes works',
		parameters: params('vendorList'),
		credentials: (h) => ({ baseUrl: `  ${h.sandbox.url}/// ` }),
		requests: 1,
	},
	{
		name: 'base URL without a scheme (host:port)',
		parameters: params('update'),
		credentials: (h) => ({ baseUrl: h.sandbox.url.replace('http://', '') }),
		message: ["The credential's Base URL", 'is not a full address: it must start with https://'],
		description: [BASE_URL_ADVICE],
		requests: NOTHING_SENT,
	},
	{
		name: 'base URL without a scheme (host name)',
		parameters: params('update'),
		credentials: () => ({ baseUrl: 'yoursubdomain.mspcentric.app' }),
		message: ['"yoursubdomain.mspcentric.app" is not a full address: it must start with https://'],
		requests: NOTHING_SENT,
	},
	{
		name: 'base URL with http:// to a host not named as localhost',
		parameters: params('update'),
		// A second API listens there (on loopback): it must receive nothing.
		credentials: (h) => ({ baseUrl: `http://${NON_LOCAL_HTTP_HOST}:${h.other.port}` }),
		message: ["The credential's Base URL must start with https://, not http://", 'plain http:// is allowed for localhost only'],
		requests: NOTHING_SENT,
		check: (_outcome, h) => expect(h.other.requests).toHaveLength(0),
	},
	{
		name: 'base URL with another scheme',
		parameters: params('vendorList'),
		credentials: () => ({ baseUrl: 'ftp://yoursubdomain.mspcentric.app' }),
		message: ["The credential's Base URL must start with https:// (it starts with ftp://)"],
		requests: NOTHING_SENT,
	},
	{
		name: 'base URL with a login in it (not echoed)',
		parameters: params('vendorList'),
		credentials: (h) => ({ baseUrl: h.sandbox.url.replace('http://', `http://user:${SECRETS.clientSecret}@`) }),
		message: ["The credential's Base URL must not contain a user name or password"],
		requests: NOTHING_SENT,
	},
	{
		name: 'base URL with a query',
		parameters: params('vendorList'),
		credentials: (h) => ({ baseUrl: `${h.sandbox.url}/?token=${SECRETS.token}` }),
		message: ["The credential's Base URL must not contain a query"],
		requests: NOTHING_SENT,
	},
	{
		name: 'base URL empty',
		parameters: params('vendorList'),
		credentials: () => ({ baseUrl: '' }),
		message: ["The credential's Base URL is empty"],
		requests: NOTHING_SENT,
	},
];

// Organization: Create and User: Add: the person's fields, checked before anything is sent.
const personRows: Row[] = (['organizationCreate', 'userAdd'] as const).flatMap((op): Row[] => [
	...(
		[
			['email', 'Email'],
			['firstName', 'First Name'],
			['lastName', 'Last Name'],
			...(op === 'organizationCreate' ? ([['name', 'Name']] as const) : []),
		] as const
	).flatMap(([name, label]): Row[] => [
		{
			name: `${op}: ${label} ""`,
			parameters: params(op, { [name]: '' }),
			message: N8N_REFUSES,
			issues: required(label),
			requests: NOTHING_SENT,
		},
		{
			name: `${op}: ${label} from an expression giving spaces`,
			parameters: params(op, { [name]: '={{ "   " }}' }),
			message: [`The '${label}' parameter is empty for item 0`],
			requests: NOTHING_SENT,
		},
	]),
	{
		name: `${op}: an email that is not one`,
		parameters: params(op, { email: 'owner-at-nowhere' }),
		message: ["The 'Email' parameter is not an email address for item 0"],
		description: ['Give a full address such as name@example.com. Nothing was sent.'],
		requests: NOTHING_SENT,
	},
	{
		name: `${op}: a Vendor Organization ID that is not text`,
		parameters: params(op, { additionalFields: { vendorOrganizationId: '={{ { id: 1 } }}' } }),
		message: ["The 'Vendor Organization ID' field must be text for item 0"],
		requests: NOTHING_SENT,
	},
]);

// Updates: a blank Vendor Template field of a stored key would delete it. Only the list is read.
const blankRows: Row[] = (['update', 'upsert'] as const).map((op) => ({
	name: `${op}: a blank Vendor Template field of a stored key (the update would delete it)`,
	parameters: params(op, {
		vendorId: { __rl: true, mode: 'id', value: VENDOR_ID },
		credentialsMode: 'template',
		credentialFields: { mappingMode: 'defineBelow', value: { 'api key': '  ', 'api username': VALUE_1 }, schema: [] },
		removeBlankFields: false,
	}),
	message: ['The update for item 0 would delete the stored credential key "api key"'],
	description: ["An update replaces all of the integration's stored credential values", 'turn on Allow Removing Stored Keys', 'Nothing was sent'],
	requests: 1,
}));

export const INPUT_ROWS: Row[] = [
	...tokenRows,
	...idRows,
	...valueRows,
	...oddKeyRows,
	...sizeRows,
	...baseUrlRows,
	...personRows,
	...blankRows,
];

// ---------------------------------------------------------------------------------------------
// API faults: each names the cause, keeps the API's message in the description.
// ---------------------------------------------------------------------------------------------

/** Attempts of an operation that retries: the first one and params()'s Max Retries. */
const ATTEMPTS = 1 + FAST.maxRetries;
/** Not retried after a failure that may have reached the API: each would do its work again. */
const NOT_IDEMPOTENT: Operation[] = ['create', 'organizationCreate', 'userAdd', 'userRemove'];
const retried = (op: Operation) => !NOT_IDEMPOTENT.includes(op);
const allAttempts = (op: Operation) => (retried(op) ? ATTEMPTS : 1);
/** How each operation that is not retried says what may have happened anyway (and how to check). */
const CHECK: Partial<Record<Operation, [maybe: string, check: string]>> = {
	create: ['The integration may have been created', 'check with Integration: List'],
	organizationCreate: [
		'The organization may have been created',
		'look for it in MSPCentric (running this item again answers 409 if it exists, and the API cannot give its token again)',
	],
	userAdd: ['The user may have been added', 'look for the user in MSPCentric (running this item again answers 409 if the user exists)'],
	userRemove: ['A user may have been removed', "check the organization's users in MSPCentric"],
};
const uncertain = (op: Operation) => (CHECK[op] ? [`${CHECK[op]![0]} anyway: ${CHECK[op]![1]} before running this item again`] : []);
const HINT_404: Record<Operation, string> = {
	vendorList: "check that the credential's Base URL is your MSPCentric address",
	integrationList: "check that the credential's Base URL is your MSPCentric address",
	upsert: "check that the credential's Base URL is your MSPCentric address",
	organizationCreate: "check that the credential's Base URL is your MSPCentric address",
	create: 'no vendor with this ID exists',
	update: 'no integration with this ID exists in the organization',
	userAdd: 'no organization matches this Vendor Organization ID, or (without one) the domain of the email',
	userRemove: 'the organization has no user that can be removed',
};
const HINT_409: Partial<Record<Operation, string>> = {
	create: 'use Integration: Update with its ID (from Integration: List)',
	organizationCreate: 'an organization with these details (the same Vendor Organization ID, or the same name and email) already exists',
	userAdd: 'a user with this email already exists in the organization',
};
/** The field a success body must hold, named when it is missing. */
const REQUIRED_FIELD: Partial<Record<Operation, string>> = {
	vendorList: 'vendors',
	integrationList: 'integrations',
	upsert: 'integrations',
	create: 'integration',
	update: 'integration',
	organizationCreate: 'organizationOemToken',
	userAdd: 'organizationOemToken',
	// User: Remove's answer is {status, message}: any JSON object is a success
};

function apiRow(
	op: Operation,
	name: string,
	fault: ScriptedFault,
	message: string[],
	description: string[],
	requests: number,
	httpCode?: string,
): Row {
	return {
		name: `${op}: ${name}`,
		parameters: params(op),
		faults: [{ times: ATTEMPTS + 1, ...fault }],
		message: [`Could not ${ACTION[op]}: `, ...message],
		description,
		httpCode,
		requests,
	};
}

const statusRows: Row[] = OPERATIONS.flatMap((op) => {
	const said = (status: number) => `Kaboom ${status}: the API's own words`;
	const fault = (status: number): ScriptedFault => ({ status, body: { status, message: said(status) } });
	const rows: Row[] = [
		apiRow(op, '400', fault(400), ['the MSPC OEM API rejected the request as malformed (400)'], [`The API said: ${said(400)}`], 1, '400'),
		apiRow(
			op,
			'401',
			fault(401),
			['the client credentials were rejected (401): check the Client ID, Client Secret and Scope in the credential'],
			[`The API said: ${said(401)}`],
			1,
			'401',
		),
		apiRow(
			op,
			'403',
			fault(403),
			['the organization OEM token was rejected (403): check the Organization OEM Token parameter'],
			[`The API said: ${said(403)}`],
			1,
			'403',
		),
		apiRow(
			op,
			'404',
			fault(404),
			[
				'not found (404): ',
				HINT_404[op],
			],
			[`The API said: ${said(404)}`],
			1,
			'404',
		),
		apiRow(
			op,
			'409',
			fault(409),
			['it already exists (409)', ...(HINT_409[op] ? [HINT_409[op]!] : [])],
			[`The API said: ${said(409)}`],
			1,
			'409',
		),
		apiRow(
			op,
			'429 with Retry-After',
			{ ...fault(429), headers: { 'retry-after': '0' } },
			[`the MSPC OEM API is rate limiting requests (429) on all ${ATTEMPTS} attempts`],
			[`The API said: ${said(429)}`],
			ATTEMPTS, // a 429 with Retry-After proves the request was not processed: creates retry too
			'429',
		),
		apiRow(
			op,
			'429 without Retry-After',
			fault(429),
			retried(op)
				? [`rate limiting requests (429) on all ${ATTEMPTS} attempts. Lower Items at Once, or raise Max Retries or Retry Delay`]
				: ['rate limiting requests (429). The API refused it, so nothing was done: run this item again later'],
			[`The API said: ${said(429)}`],
			allAttempts(op),
			'429',
		),
		...[500, 502, 503, 504].map((status) =>
			apiRow(
				op,
				String(status),
				fault(status),
				[
					`the MSPC OEM API failed with a server error (${status})${retried(op) ? ` on all ${ATTEMPTS} attempts` : ''}`,
					...uncertain(op),
				],
				[`The API said: ${said(status)}`],
				allAttempts(op),
				String(status),
			),
		),
		apiRow(
			op,
			'an HTML error page',
			{
				status: 502,
				contentType: 'text/html',
				body: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><hr>nginx</body></html>',
			},
			[`failed with a server error (502)`, ...uncertain(op)],
			['The API answered with an HTML page instead of JSON (titled "502 Bad Gateway"), as a proxy or gateway in front of it does'],
			allAttempts(op),
			'502',
		),
		apiRow(
			op,
			'an error status with an empty body',
			{ action: 'empty', status: 503 },
			['failed with a server error (503)'],
			['The API sent no message (empty body)'],
			allAttempts(op),
			'503',
		),
		apiRow(
			op,
			'a redirect (not followed: it would re-send the secrets elsewhere)',
			{ status: 307, headers: { location: 'http://127.0.0.1:9/elsewhere?x=1' } },
			['the MSPC OEM API answered with a redirect (307) to http://127.0.0.1:9, which is not followed'],
			[],
			1,
			'307',
		),
	];
	const ok = NOT_IDEMPOTENT.includes(op) ? 201 : 200;
	const probably = CHECK[op] ? [`The API reported success, so it was probably done: ${CHECK[op]![1]} before running this item again`] : [];
	rows.push(
		apiRow(op, `${ok} with malformed JSON`, { status: ok, body: '{"vendors": [{"id": ' }, [`the MSPC OEM API answered ${ok} with a body that is not JSON`, ...probably], ["Check that the credential's Base URL points at the MSPC OEM API", 'Start of the answer: {"vendors": [{"id":'], 1, String(ok)),
		...(REQUIRED_FIELD[op] === undefined
			? []
			: [
		apiRow(
			op,
			`${ok} with a body of the wrong shape`,
			{ status: ok, body: { status: ok, message: 'ok' } },
			[
				`the MSPC OEM API answered ${ok} with a body of an unexpected shape (${REQUIRED_FIELD[op]}: Required)`,
				...probably,
			],
			['Start of the answer: {"status":'],
			1,
			String(ok),
		),
				]),
		op === 'userRemove'
			? // Its answer carries no data: an empty one says as much.
				{ ...apiRow(op, `${ok} with an empty body`, { action: 'empty', status: ok }, [], [], 1), message: undefined }
			: apiRow(op, `${ok} with an empty body`, { action: 'empty', status: ok }, [`the MSPC OEM API answered ${ok} with an empty body`, ...probably], [], 1, String(ok)),
		apiRow(
			op,
			`${ok} whose body reports a failure status`,
			{ status: ok, body: { status: 400, message: 'Kaboom in a 2xx' } },
			[`the MSPC OEM API rejected the request as malformed (400). The API answered HTTP ${ok}, with status 400 in its body`],
			['The API said: Kaboom in a 2xx'],
			1,
			'400',
		),
		apiRow(op, `${ok} with an HTML page`, { status: ok, contentType: 'text/html', body: '<!doctype html><html><head><title>Sign in</title></head></html>' }, [`answered ${ok} with an HTML page instead of JSON (titled "Sign in")`], [], 1, String(ok)),
		apiRow(
			op,
			'a connection reset',
			{ action: 'reset' },
			[`the MSPC OEM API closed the connection before answering${retried(op) ? ` (${ATTEMPTS} attempts)` : ''}`, ...uncertain(op)],
			['No answer was received (network error ECONNRESET)'],
			allAttempts(op),
		),
		{
			...apiRow(
				op,
				'a timeout (options.timeout 150 ms)',
				{ action: 'hang' },
				[`the MSPC OEM API did not answer within 150 ms${retried(op) ? ` (${ATTEMPTS} attempts)` : ''}; raise the Timeout option`, ...uncertain(op)],
				['No answer was received (network error ETIMEDOUT)'],
				allAttempts(op),
			),
			parameters: params(op, { options: { timeout: 150 } }),
			check: (outcome) => {
				// Bounded: every attempt gives up after the timeout.
				expect(outcome.elapsedMs).toBeGreaterThanOrEqual(150 * allAttempts(op));
				expect(outcome.elapsedMs).toBeLessThan(150 * allAttempts(op) + 1500);
			},
		},
		{
			name: `${op}: connection refused`,
			parameters: params(op),
			credentials: async () => ({ baseUrl: `http://127.0.0.1:${await closedPort()}` }),
			// Refused proves the request was never sent: creates retry too.
			message: [`Could not ${ACTION[op]}: the MSPC OEM API could not be reached (${ATTEMPTS} attempts); check the credential's Base URL and your network`],
			description: ['No answer was received (network error ECONNREFUSED)'],
			check: (outcome) => expect(outcome.error?.message).not.toContain('anyway'),
		},
	);
	return rows;
});

/** The documented statuses as the sandbox really produces them. */
const realRows: Row[] = [
	{
		name: 'vendorList: real 401 (wrong client secret)',
		parameters: params('vendorList'),
		credentials: () => ({ clientSecret: SECRETS.wrongClientSecret }),
		message: ['Could not list the vendors: the client credentials were rejected (401)'],
		description: ['The API said: Invalid client credentials'],
		httpCode: '401',
		requests: 1, // n8n repeats a request after a 401 only when its client threw: not here
	},
	...TOKEN_OPERATIONS.map((op) => ({
		name: `${op}: real 403 (wrong OEM token)`,
		parameters: params(op, { organizationOemToken: WRONG_TOKEN }),
		message: [`Could not ${ACTION[op]}: the organization OEM token was rejected (403)`],
		description: ['The API said: Invalid organizationOemToken'],
		httpCode: '403',
		requests: 1,
	})),
	{
		name: 'create: real 404 (unknown vendor)',
		parameters: params('create', { vendorId: { __rl: true, mode: 'id', value: '99999999' } }),
		message: ['Could not create the integration: not found (404): no vendor with this ID exists; pick one from Vendor: List'],
		description: ['The API said: Vendor not found'],
		httpCode: '404',
		requests: 1,
	},
	{
		name: 'update: real 404 (unknown integration)',
		parameters: params('update', { integrationId: { __rl: true, mode: 'id', value: '000000000000000000000000' } }),
		message: ['Could not update the integration: not found (404): no integration with this ID exists in the organization; check it with Integration: List'],
		description: ['The API said: Integration not found'],
		httpCode: '404',
		requests: 1,
	},
	{
		name: 'create: real 409 (the organization already has this vendor)',
		parameters: params('create', { vendorId: { __rl: true, mode: 'id', value: VENDOR_ID } }),
		message: [
			'Could not create the integration: it already exists (409): this organization already has an integration for this vendor; use Integration: Update with its ID (from Integration: List) to change its credentials',
		],
		description: ['The API said: The organization already has an integration for this vendor'],
		httpCode: '409',
		requests: 1,
	},
	{
		name: 'create: 409 under Continue On Fail becomes an error item',
		parameters: params('create', { vendorId: { __rl: true, mode: 'id', value: VENDOR_ID } }),
		continueOnFail: true,
		message: ['Could not create the integration: it already exists (409)'],
		description: ['The API said: The organization already has an integration for this vendor'],
		requests: 1,
		check: (outcome) => {
			expect(outcome.output).toHaveLength(1);
			expect(outcome.output![0].pairedItem).toEqual({ item: 0 });
		},
	},
	{
		name: 'create: a redirect reaches nobody else',
		parameters: params('create'),
		// to the second API's address, which the harness knows once it is up
		faults: (h) => [{ status: 308, headers: { location: `${h.other.url}/api/oem-api/integration` } }],
		message: ['answered with a redirect (308)'],
		requests: 1,
		check: (_outcome, h) => expect(h.other.requests).toHaveLength(0),
	},
];

/** The new operations' documented statuses as the sandbox really produces them, and Create or Update's two paths. */
const lifecycleRows: Row[] = [
	{
		name: 'organizationCreate: succeeds; the new token is in the output only',
		parameters: params('organizationCreate'),
		requests: 1,
		check: (outcome, h) => {
			const created = h.sandbox.state().organizations.find((org) => org.name === 'Fault Customer')!;
			expect(outcome.output!.map((item) => item.json)).toEqual([
				{ organizationOemToken: created.organizationOemToken, name: 'Fault Customer', email: 'owner@fault-customer.example', vendorOrganizationId: 'fault-customer-1' },
			]);
		},
	},
	{
		name: 'organizationCreate: real 409 (the Vendor Organization ID exists)',
		parameters: params('organizationCreate', { additionalFields: { vendorOrganizationId: 'fault-org-1' } }),
		message: ['Could not create the organization: it already exists (409)'],
		description: ['The API said: An organization with these details already exists'],
		httpCode: '409',
		requests: 1,
	},
	{
		name: 'userAdd: real 404 (no organization for the email domain)',
		parameters: params('userAdd', { email: 'someone@no-such-org.example' }),
		message: ['Could not add the user: not found (404): no organization matches'],
		description: ['The API said: Organization not found for this user'],
		httpCode: '404',
		requests: 1,
	},
	{
		name: 'userAdd: real 409 (the owner is already a user)',
		parameters: params('userAdd', { email: 'owner@fault-org.example' }),
		message: ['Could not add the user: it already exists (409): a user with this email already exists in the organization'],
		httpCode: '409',
		requests: 1,
	},
	{
		name: 'userRemove: real 404 (only the owner is left)',
		parameters: params('userRemove'),
		message: ['Could not remove the user: not found (404): the organization has no user that can be removed'],
		description: ['The API said: User not found'],
		httpCode: '404',
		requests: 1,
	},
	{
		name: 'upsert: the organization has an integration for the vendor: one list, one update',
		parameters: params('upsert', { vendorId: { __rl: true, mode: 'id', value: VENDOR_ID } }),
		requests: 2,
		check: (outcome, h) => {
			expect(outcome.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'POST /api/oem-api/integration/list',
				`PATCH /api/oem-api/integration/${INTEGRATION_ID}`,
			]);
			expect(outcome.output!.map((item) => item.json)).toEqual([{ id: INTEGRATION_ID, vendorId: VENDOR_ID, action: 'updated' }]);
			expect(h.sandbox.state().integrations.find((i) => i.id === INTEGRATION_ID)?.credentials).toEqual({ 'api key': SECRETS.value1, 'api secret': SECRETS.value2 });
		},
	},
	{
		name: 'upsert: a 500 on the create (after the list): not retried, and a rerun is safe',
		parameters: params('upsert'),
		faults: [{ method: 'POST', path: '/api/oem-api/integration', status: 500, times: 4, body: { status: 500, message: 'create failed' } }],
		message: [
			'Could not create the integration: the MSPC OEM API failed with a server error (500). The integration may have been created anyway: running Create or Update again is safe',
		],
		description: ['The API said: create failed'],
		httpCode: '500',
		requests: 2,
	},
	{
		name: 'upsert: a 503 on the update: retried like any update',
		parameters: params('upsert', { vendorId: { __rl: true, mode: 'id', value: VENDOR_ID } }),
		faults: [{ method: 'PATCH', status: 503, times: 4, body: { status: 503, message: 'update failed' } }],
		message: [`Could not update the integration: the MSPC OEM API failed with a server error (503) on all ${ATTEMPTS} attempts`],
		description: ['The API said: update failed'],
		requests: 1 + ATTEMPTS,
	},
	{
		name: 'upsert: a real 409 on the create (created meanwhile): listed again, then updated',
		parameters: params('upsert'),
		faults: [{ method: 'POST', path: '/api/oem-api/integration', status: 409, phase: 'after', body: { status: 409, message: 'exists' } }],
		requests: 4,
		check: (outcome) => {
			expect(outcome.requests.map((r) => `${r.method} ${r.path.replace(/[0-9a-f]{24}$/, 'ID')}`)).toEqual([
				'POST /api/oem-api/integration/list',
				'POST /api/oem-api/integration',
				'POST /api/oem-api/integration/list',
				'PATCH /api/oem-api/integration/ID',
			]);
			expect(outcome.output![0].json.action).toBe('updated');
		},
	},
];

export const FAULT_ROWS: Row[] = [...statusRows, ...realRows, ...lifecycleRows];

/** Runs one row: its faults queued, its credentials applied. */
export async function runRow(harness: Harness, row: Row): Promise<Outcome> {
	const faults = typeof row.faults === 'function' ? row.faults(harness) : (row.faults ?? []);
	for (const fault of faults) harness.sandbox.injectNext(fault);
	return await run(harness, {
		parameters: row.parameters,
		credentials: row.credentials ? await row.credentials(harness) : undefined,
		continueOnFail: row.continueOnFail,
	});
}
