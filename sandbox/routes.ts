// The OEM API routes. Checks run in a fixed order, like a strict server: route (404),
// method (405), JSON object body (400), client credentials (401), body fields (400),
// organizationOemToken (403), referenced resources (404), duplicates (409).
// No message ever repeats a secret, token or credential value from the request; credential
// *keys* may be named (they are template data, not secrets).
import { timingSafeEqual } from 'node:crypto';

import { errorBody, HttpError, methodNotAllowed, routeNotFound, type ApiResponse } from './answers';
import { StoreError, type Store, type StoreOrganization } from './domain';
import { dict } from './domain';
import { isObject } from './isObject';
import type { UserInput } from './types';

export interface ClientCredentials {
	clientId: string;
	clientSecret: string;
	scope: string;
}

export interface ApiContext {
	store: Store;
	credentials: ClientCredentials;
}

type Body = Record<string, unknown>;

export const MESSAGES = {
	vendors: 'Successfully fetched MSPC vendors',
	integrationCreated: 'Successfully created an integration for an organization',
	integrations: "Successfully fetched list of user's integrations",
	integrationUpdated: "Successfully updated a user's integration credentials",
	organizationCreated: 'Successfully created organization',
	userCreated: 'Successfully created a user for the organization',
	userDeleted: 'Success: User Deleted',
} as const;

/** Names a credential key in a message, bounded so a huge key cannot bloat the answer. */
const keyName = (k: string) => JSON.stringify(k.length > 100 ? `${k.slice(0, 100)}…` : k);

function parseObject(rawBody: string): Body {
	if (rawBody.trim() === '') throw new HttpError(400, 'Request body must be a JSON object');
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody);
	} catch {
		// The parser's own message quotes the input, which may hold secrets: never pass it on.
		throw new HttpError(400, 'Request body is not valid JSON');
	}
	if (!isObject(parsed)) throw new HttpError(400, 'Request body must be a JSON object');
	return parsed;
}

function sameSecret(given: unknown, expected: string): boolean {
	if (typeof given !== 'string') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

function checkClient(ctx: ApiContext, body: Body): void {
	const { clientId, clientSecret, scope } = ctx.credentials;
	if (body.clientId === undefined || body.clientSecret === undefined) {
		throw new HttpError(401, 'clientId and clientSecret are required');
	}
	if (!sameSecret(body.clientId, clientId) || !sameSecret(body.clientSecret, clientSecret)) {
		throw new HttpError(401, 'Invalid client credentials');
	}
	if (body.grantType !== 'client_credentials') throw new HttpError(401, 'grantType must be "client_credentials"');
	if (body.scope !== scope) throw new HttpError(401, `scope must be "${scope}"`);
}

function requiredString(obj: Body, key: string, where: string): string {
	const v = obj[key];
	if (v === undefined || v === null) throw new HttpError(400, `${where} is required`);
	if (typeof v !== 'string') throw new HttpError(400, `${where} must be a string`);
	if (v.trim() === '') throw new HttpError(400, `${where} must not be empty`);
	return v;
}

/** Optional fields: left out or "" (what form tools send for empty inputs) mean absent. */
function optionalString(obj: Body, key: string, where: string): string | undefined {
	const v = obj[key];
	if (v === undefined || v === '') return undefined;
	if (typeof v !== 'string') throw new HttpError(400, `${where} must be a string`);
	return v;
}

function email(obj: Body, where: string): string {
	const v = requiredString(obj, 'email', where);
	if (!/^[^\s@]+@[^\s@]+$/.test(v)) throw new HttpError(400, `${where} must be an email address`);
	return v;
}

function dataOf(body: Body): Body {
	if (body.data === undefined || body.data === null) throw new HttpError(400, 'data is required');
	if (!isObject(body.data)) throw new HttpError(400, 'data must be an object');
	return body.data;
}

function tokenOf(body: Body): string | undefined {
	const v = body.organizationOemToken;
	if (v !== undefined && typeof v !== 'string') throw new HttpError(400, 'organizationOemToken must be a string');
	return v;
}

function organizationOf(ctx: ApiContext, token: string | undefined): StoreOrganization {
	const org = token ? ctx.store.organizationByToken(token) : undefined;
	if (!org) throw new HttpError(403, token ? 'Invalid organizationOemToken' : 'organizationOemToken is required');
	return org;
}

function credentialsOf(data: Body): Map<string, string> {
	const c = data.integrationCredentials;
	if (c === undefined || c === null) throw new HttpError(400, 'data.integrationCredentials is required');
	if (!isObject(c)) throw new HttpError(400, 'data.integrationCredentials must be an object');
	const out = new Map<string, string>();
	// Object.keys on a JSON.parse result lists `__proto__` etc. as own keys: copied as data.
	for (const key of Object.keys(c)) {
		const v = c[key];
		if (typeof v !== 'string') throw new HttpError(400, `data.integrationCredentials[${keyName(key)}] must be a string`);
		out.set(key, v);
	}
	return out;
}

const templateOf = (keys: Iterable<string>) => dict([...keys].map((k) => [k, ''] as [string, string]));

function listVendors(ctx: ApiContext): ApiResponse {
	return {
		status: 200,
		body: {
			status: 200,
			message: MESSAGES.vendors,
			vendors: ctx.store.listVendors().map((v) => ({
				id: v.id,
				name: v.name,
				integrationStatus: v.integrationStatus,
				integrationType: v.integrationType,
				integrationCredentialTemplate: v.integrationCredentialTemplate,
			})),
		},
	};
}

/** Integration create and update answer alike: the saved integration's id and vendor. */
const integrationSaved = (status: number, message: string, integration: { id: string; vendorId: string }): ApiResponse => ({
	status,
	body: { integration: { id: integration.id, vendorId: integration.vendorId }, status, message },
});

function createIntegration(ctx: ApiContext, body: Body): ApiResponse {
	if (body.integrationType !== undefined) return createExternalIntegration(ctx, body);
	const data = dataOf(body);
	const vendorId = requiredString(data, 'vendorId', 'data.vendorId');
	const credentials = credentialsOf(data);
	const org = organizationOf(ctx, tokenOf(body));
	return integrationSaved(201, MESSAGES.integrationCreated, ctx.store.createIntegration(org, vendorId, credentials));
}

/**
 * The external variant (docs: top-level integrationType/organizationId/vendorId, no data).
 * organizationId may be the organization's internal id or its vendorOrganizationId, since no
 * documented response returns the internal id. A token, when sent, must be that organization's.
 */
function createExternalIntegration(ctx: ApiContext, body: Body): ApiResponse {
	if (body.integrationType !== 'external') {
		throw new HttpError(400, 'integrationType must be "external" (the credential variant has no top-level integrationType)');
	}
	const organizationId = requiredString(body, 'organizationId', 'organizationId');
	const vendorId = requiredString(body, 'vendorId', 'vendorId');
	const token = tokenOf(body);
	const byToken = token !== undefined ? organizationOf(ctx, token) : undefined;
	const org = ctx.store.organizationById(organizationId);
	if (!org) throw new HttpError(404, 'Organization not found');
	if (byToken && byToken !== org) throw new HttpError(403, 'organizationOemToken does not belong to organizationId');
	const integration = ctx.store.createExternalIntegration(org, vendorId);
	return {
		status: 201,
		body: {
			integration: { id: integration.id, vendorId: integration.vendorId, integrationKind: 'external' },
			partnerApiKey: integration.partnerApiKey,
			status: 201,
			message: MESSAGES.integrationCreated,
		},
	};
}

function listIntegrations(ctx: ApiContext, body: Body): ApiResponse {
	const org = organizationOf(ctx, tokenOf(body));
	return {
		status: 200,
		body: {
			integrations: ctx.store.listIntegrations(org).map((i) => ({
				id: i.id,
				vendorId: i.vendorId,
				...(i.kind === 'external' ? { integrationKind: 'external' } : {}),
				// Documented as an array of one object; keys only, stored values are never sent back.
				integrationCredentialTemplate: [templateOf(i.credentials.keys())],
			})),
			status: 200,
			message: MESSAGES.integrations,
		},
	};
}

function updateIntegration(ctx: ApiContext, body: Body, params: string[]): ApiResponse {
	let id: string;
	try {
		id = decodeURIComponent(params[0]);
	} catch {
		throw new HttpError(400, 'integrationId in the path is not valid percent-encoding');
	}
	const credentials = credentialsOf(dataOf(body));
	const org = organizationOf(ctx, tokenOf(body));
	return integrationSaved(200, MESSAGES.integrationUpdated, ctx.store.updateIntegration(org, id, credentials));
}

/** The user fields of organization create (its owner) and user create (a new member). */
function userOf(data: Body): UserInput {
	return {
		email: email(data, 'data.email'),
		firstName: optionalString(data, 'firstName', 'data.firstName'),
		lastName: optionalString(data, 'lastName', 'data.lastName'),
		vendorUserId: optionalString(data, 'vendorUserId', 'data.vendorUserId'),
		vendorOrganizationId: optionalString(data, 'vendorOrganizationId', 'data.vendorOrganizationId'),
	};
}

/** Both creates answer 201 with the organization's token. */
const created = (message: string, org: StoreOrganization): ApiResponse => ({
	status: 201,
	body: { status: 201, message, organizationOemToken: org.token },
});

function createOrganization(ctx: ApiContext, body: Body): ApiResponse {
	const data = dataOf(body);
	const name = requiredString(data, 'name', 'data.name');
	return created(MESSAGES.organizationCreated, ctx.store.createOrganization({ name, ...userOf(data) }));
}

function createUser(ctx: ApiContext, body: Body): ApiResponse {
	return created(MESSAGES.userCreated, ctx.store.createUser(userOf(dataOf(body))));
}

function deleteUser(ctx: ApiContext, body: Body): ApiResponse {
	const org = organizationOf(ctx, tokenOf(body));
	ctx.store.deleteUser(org);
	return { status: 201, body: { status: 201, message: MESSAGES.userDeleted } };
}

interface Route {
	method: string;
	pattern: RegExp;
	handle(ctx: ApiContext, body: Body, params: string[]): ApiResponse;
}

// Patterns match the raw (still encoded) path, so an encoded "/" in an id stays inside its
// segment: /integration/a%2Flist is the update route for id "a/list", never the list route.
const ROUTES: Route[] = [
	{ method: 'POST', pattern: /^\/api\/oem-api\/vendor$/, handle: listVendors },
	{ method: 'POST', pattern: /^\/api\/oem-api\/integration$/, handle: createIntegration },
	{ method: 'POST', pattern: /^\/api\/oem-api\/integration\/list$/, handle: listIntegrations },
	{ method: 'PATCH', pattern: /^\/api\/oem-api\/integration\/([^/]+)$/, handle: updateIntegration },
	{ method: 'POST', pattern: /^\/api\/oem-api\/organization$/, handle: createOrganization },
	{ method: 'POST', pattern: /^\/api\/oem-api\/user$/, handle: createUser },
	{ method: 'DELETE', pattern: /^\/api\/oem-api\/user$/, handle: deleteUser },
];

/** Answers one API request; `pathname` is the raw path without its query string. */
export function handleApi(ctx: ApiContext, method: string, pathname: string, rawBody: string): ApiResponse {
	const matched = ROUTES.map((route) => ({ route, m: route.pattern.exec(pathname) })).filter((x) => x.m);
	if (matched.length === 0) {
		const shown = pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname;
		return routeNotFound(method, shown);
	}
	const hit = matched.find((x) => x.route.method === method);
	if (!hit) return methodNotAllowed(method, [...new Set(matched.map((x) => x.route.method))]);
	try {
		const body = parseObject(rawBody);
		checkClient(ctx, body);
		return hit.route.handle(ctx, body, (hit.m as RegExpExecArray).slice(1));
	} catch (error) {
		if (error instanceof HttpError || error instanceof StoreError) {
			return { status: error.status, body: errorBody(error.status, error.message) };
		}
		throw error;
	}
}
