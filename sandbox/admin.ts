// Admin routes under /__admin: test and demo controls, never faulted nor logged, and only
// answered to loopback clients (they expose every stored secret).
import { FaultConfigError, type Faults } from './faults';
import { errorBody, type ApiResponse } from './routes';
import type { RecordedRequest, SandboxStateSnapshot } from './types';

export interface AdminControls {
	faults: Faults;
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

const ROUTES: Record<string, string[]> = {
	'/__admin/faults': ['GET', 'PUT'],
	'/__admin/faults/next': ['POST'],
	'/__admin/state': ['GET'],
	'/__admin/reset': ['POST'],
	'/__admin/requests': ['GET', 'DELETE'],
};

function parse(rawBody: string): unknown {
	try {
		return JSON.parse(rawBody);
	} catch {
		throw new FaultConfigError('body is not valid JSON');
	}
}

export function handleAdmin(
	ctl: AdminControls,
	remoteAddress: string | undefined,
	method: string,
	pathname: string,
	rawBody: string,
): ApiResponse {
	if (!isLoopback(remoteAddress)) return { status: 403, body: errorBody(403, 'Admin routes answer loopback clients only') };
	const allowed = ROUTES[pathname];
	if (!allowed) return { status: 404, body: errorBody(404, `Cannot ${method} ${pathname.slice(0, 200)}`) };
	if (!allowed.includes(method)) {
		const allow = allowed.join(', ');
		return { status: 405, body: errorBody(405, `Method ${method} not allowed; use ${allow}`), headers: { allow } };
	}
	const faultsView = () => ({ faults: ctl.faults.get(), pendingScripted: ctl.faults.pendingScripted() });
	try {
		switch (`${method} ${pathname}`) {
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
			default:
				ctl.clearRequests();
				return { status: 200, body: { status: 200, message: 'Request log cleared' } };
		}
	} catch (error) {
		if (error instanceof FaultConfigError) return { status: 400, body: errorBody(400, error.message) };
		throw error;
	}
}
