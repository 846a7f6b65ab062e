// Admin routes under /__admin: test and demo controls, never faulted nor logged, and only
// answered to loopback clients that name this machine in the Host header (they expose every
// stored secret). Requests from web pages are refused by the server before they get here.
import { errorBody, HttpError, methodNotAllowed, routeNotFound, type ApiResponse } from './answers';
import { FaultConfigError, type Faults } from './faults';
import { StoreError, type Store, type VendorInput } from './domain';
import { isObject } from './isObject';
import type { RecordedRequest, SandboxStateSnapshot } from './types';

export interface AdminControls {
	faults: Faults;
	store: Store;
	snapshot(): SandboxStateSnapshot;
	reset(): void;
	requests(): RecordedRequest[];
	clearRequests(): void;
}

export function isLoopback(address: string | undefined): boolean {
	if (!address) return false;
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/**
 * A Host header naming this machine: localhost, 127.0.0.0/8 or [::1], with any port. A
 * DNS-rebinding page reaches 127.0.0.1 from the browser under its own name, which shows here.
 */
export function isLoopbackHost(host: string | undefined): boolean {
	const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::\d*)?$/.exec(host ?? '');
	if (!match) return false;
	const [, bracketed, name] = match;
	if (bracketed !== undefined) return bracketed === '::1';
	return name.toLowerCase() === 'localhost' || isLoopback(name);
}

/** Who sent an admin request: the socket's remote address and the request's Host header. */
export interface AdminClient {
	address: string | undefined;
	host: string | undefined;
}

const ROUTES: Record<string, string[]> = {
	'/__admin/faults': ['GET', 'PUT'],
	'/__admin/faults/next': ['POST'],
	'/__admin/state': ['GET'],
	'/__admin/reset': ['POST'],
	'/__admin/requests': ['GET', 'DELETE'],
	// Catalogue and integration changes, for trying and testing the trigger.
	'/__admin/vendors': ['POST'],
	'/__admin/vendors/:id': ['PATCH', 'DELETE'],
	'/__admin/integrations': ['POST'],
	'/__admin/integrations/:id': ['DELETE'],
};

/** The route a path belongs to, and the decoded id of `/:id` routes. */
function routeOf(pathname: string): { route: string; id?: string } {
	const match = /^\/__admin\/(vendors|integrations)\/([^/]+)$/.exec(pathname);
	if (!match) return { route: pathname };
	let id: string;
	try {
		id = decodeURIComponent(match[2]);
	} catch {
		throw new HttpError(400, 'the id in the path is not valid percent-encoding');
	}
	return { route: `/__admin/${match[1]}/:id`, id };
}

function field(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
	const value = body[key];
	if (value === undefined && !required) return undefined;
	if (typeof value !== 'string' || value.trim() === '') throw new HttpError(400, `${key} must be a non-empty string`);
	return value;
}

function keysField(body: Record<string, unknown>): string[] | undefined {
	const value = body.credentialKeys;
	if (value === undefined) return undefined;
	if (!Array.isArray(value) || !value.every((k) => typeof k === 'string')) {
		throw new HttpError(400, 'credentialKeys must be an array of strings');
	}
	return value as string[];
}

function vendorBody(raw: string, forCreate: boolean): VendorInput {
	const body = parse(raw);
	if (!isObject(body)) throw new HttpError(400, 'body must be a JSON object');
	const input: Partial<VendorInput> = {
		id: forCreate ? field(body, 'id', false) : undefined,
		name: field(body, 'name', forCreate),
		integrationStatus: field(body, 'integrationStatus', false),
		integrationType: field(body, 'integrationType', false),
		credentialKeys: keysField(body),
	};
	for (const key of Object.keys(input) as Array<keyof VendorInput>) if (input[key] === undefined) delete input[key];
	return input as VendorInput;
}

/** POST /__admin/integrations: { organizationOemToken | organizationId, vendorId, integrationCredentials? }. */
function addIntegration(store: Store, raw: string): ApiResponse {
	const body = parse(raw);
	if (!isObject(body)) throw new HttpError(400, 'body must be a JSON object');
	const token = field(body, 'organizationOemToken', false);
	const organizationId = field(body, 'organizationId', false);
	const org = token ? store.organizationByToken(token) : organizationId ? store.organizationById(organizationId) : undefined;
	if (!org) throw new HttpError(404, 'Organization not found (give organizationOemToken or organizationId)');
	const vendorId = field(body, 'vendorId', true) as string;
	const values = body.integrationCredentials ?? {};
	if (!isObject(values) || !Object.values(values).every((v) => typeof v === 'string')) {
		throw new HttpError(400, 'integrationCredentials must be an object of strings');
	}
	const credentials = new Map(Object.keys(values).map((k) => [k, values[k] as string]));
	const integration = store.createIntegration(org, vendorId, credentials);
	return {
		status: 201,
		body: { integration: { id: integration.id, vendorId: integration.vendorId, organizationId: org.id } },
	};
}

function parse(rawBody: string): unknown {
	try {
		return JSON.parse(rawBody);
	} catch {
		throw new HttpError(400, 'body is not valid JSON');
	}
}

export function handleAdmin(
	ctl: AdminControls,
	client: AdminClient,
	method: string,
	pathname: string,
	rawBody: string,
): ApiResponse {
	if (!isLoopback(client.address)) return { status: 403, body: errorBody(403, 'Admin routes answer loopback clients only') };
	if (!isLoopbackHost(client.host)) {
		const message = 'Admin routes answer loopback clients only: the Host header must be localhost, 127.x.x.x or [::1] (any port)';
		return { status: 403, body: errorBody(403, message) };
	}
	let route: string;
	let id: string | undefined;
	try {
		({ route, id } = routeOf(pathname));
	} catch (error) {
		return { status: 400, body: errorBody(400, (error as Error).message) };
	}
	const allowed = Object.prototype.hasOwnProperty.call(ROUTES, route) ? ROUTES[route] : undefined;
	if (!allowed) return routeNotFound(method, pathname.slice(0, 200));
	if (!allowed.includes(method)) return methodNotAllowed(method, allowed);
	const faultsView = () => ({ faults: ctl.faults.get(), pendingScripted: ctl.faults.pendingScripted() });
	try {
		switch (`${method} ${route}`) {
			case 'POST /__admin/vendors':
				return { status: 201, body: { vendor: ctl.store.addVendor(vendorBody(rawBody, true)) } };
			case 'PATCH /__admin/vendors/:id':
				return { status: 200, body: { vendor: ctl.store.updateVendor(id as string, vendorBody(rawBody, false)) } };
			case 'DELETE /__admin/vendors/:id':
				return { status: 200, body: { vendor: ctl.store.removeVendor(id as string) } };
			case 'POST /__admin/integrations':
				return addIntegration(ctl.store, rawBody);
			case 'DELETE /__admin/integrations/:id': {
				const removed = ctl.store.removeIntegration(id as string);
				return { status: 200, body: { integration: { id: removed.id, vendorId: removed.vendorId, organizationId: removed.organizationId } } };
			}
			case 'GET /__admin/faults':
				return { status: 200, body: faultsView() };
			case 'PUT /__admin/faults':
				ctl.faults.set(parse(rawBody) as never);
				return { status: 200, body: faultsView() };
			case 'POST /__admin/faults/next':
				ctl.faults.inject(parse(rawBody) as never);
				return { status: 201, body: faultsView() };
			case 'GET /__admin/state':
				return { status: 200, body: ctl.snapshot() };
			case 'POST /__admin/reset':
				ctl.reset();
				return { status: 200, body: { status: 200, message: 'Sandbox reset' } };
			case 'GET /__admin/requests':
				return { status: 200, body: { requests: ctl.requests() } };
			case 'DELETE /__admin/requests':
				ctl.clearRequests();
				return { status: 200, body: { status: 200, message: 'Request log cleared' } };
			default:
				return routeNotFound(method, pathname.slice(0, 200));
		}
	} catch (error) {
		if (error instanceof FaultConfigError) return { status: 400, body: errorBody(400, error.message) };
		if (error instanceof HttpError || error instanceof StoreError) return { status: error.status, body: errorBody(error.status, error.message) };
		throw error;
	}
}
