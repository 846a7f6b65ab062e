import * as http from 'node:http';
import type { Socket } from 'node:net';

import { handleAdmin } from './admin';
import { DEFAULT_FAULTS, DEFAULT_RANDOM_SEED, Faults, validateFaults, type FaultDecision } from './faults';
import { errorBody, type ApiResponse } from './answers';
import { handleApi, type ApiContext } from './routes';
import { DEFAULT_SEED, DEMO_ORGANIZATION_TOKEN } from './defaultSeed';
import { validateSeed } from './seed';
import { StateFile } from './stateFile';
import { Store } from './domain';
import type {
	FaultConfig,
	OrganizationInput,
	RecordedRequest,
	SandboxSeed,
	SandboxStateSnapshot,
	ScriptedFault,
} from './types';

export const DEFAULT_CLIENT_ID = 'sandbox-client-id';
export const DEFAULT_CLIENT_SECRET = 'sandbox-client-secret';
export const DEFAULT_SCOPE = 'vendor_manage';
export const DEFAULT_MAX_LOGGED_REQUESTS = 10000;
const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
const WEB_PAGE_REFUSED =
	'Requests with an Origin header (from a web page) are refused: the sandbox answers n8n, scripts and tests only';

export interface SandboxOptions {
	/** Interface to listen on (default 127.0.0.1). */
	host?: string;
	/** Port (default 0: a free port). */
	port?: number;
	clientId?: string;
	clientSecret?: string;
	/** Expected `scope` (default "vendor_manage"). */
	scope?: string;
	/** Vendors and organizations to start from (default DEFAULT_SEED). */
	seed?: SandboxSeed;
	/** Persist the state to this JSON file (atomically, before each answer); loaded on start when it exists. */
	stateFile?: string;
	/** Faults active from the start (all off by default). */
	faults?: Partial<FaultConfig>;
	/** Seed of the RNG behind random faults and jitter (default fixed, so runs repeat). */
	randomSeed?: number;
	/** Cap of the request log; the oldest entries are dropped (default 10000; 0 = no log). */
	maxLoggedRequests?: number;
	/** No per-request log lines (default true; the CLI turns them on). */
	quiet?: boolean;
}

export interface RunningSandbox {
	/** Base URL, e.g. http://127.0.0.1:PORT (no trailing slash). */
	url: string;
	port: number;
	credentials: { clientId: string; clientSecret: string; scope: string };
	demoOrganizationToken: string;
	/** Requests received on the API routes (admin routes excluded), oldest first. */
	readonly requests: RecordedRequest[];
	clearRequests(): void;
	setFaults(faults: Partial<FaultConfig>): void;
	getFaults(): FaultConfig;
	injectNext(fault: ScriptedFault): void;
	state(): SandboxStateSnapshot;
	createOrganization(data: OrganizationInput): { organizationOemToken: string; organizationId: string };
	/** State back to the seed, request log cleared, faults back to the start options, RNG re-seeded. */
	reset(): void;
	/** Closes the server and every socket, hung ones included. */
	stop(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
	if (res.headersSent || res.destroyed) return;
	const out: Record<string, string> = { 'content-type': JSON_TYPE, ...headers };
	if (body === '' && !('content-type' in headers)) delete out['content-type'];
	out['content-length'] = String(Buffer.byteLength(body));
	res.writeHead(status, out);
	res.end(body);
}

const sendJson = (res: http.ServerResponse, r: ApiResponse) => send(res, r.status, JSON.stringify(r.body), r.headers);

function tryParse(raw: string): unknown {
	if (raw === '') return undefined;
	try {
		return JSON.parse(raw);
	} catch {
		return undefined;
	}
}

export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
	const credentials = {
		clientId: options.clientId ?? DEFAULT_CLIENT_ID,
		clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
		scope: options.scope ?? DEFAULT_SCOPE,
	};
	const store = new Store(
		options.seed ? validateSeed(options.seed) : DEFAULT_SEED,
		options.stateFile ? new StateFile(options.stateFile) : undefined,
	);
	const faults = new Faults({ ...DEFAULT_FAULTS, ...validateFaults(options.faults ?? {}) }, options.randomSeed ?? DEFAULT_RANDOM_SEED);
	const ctx: ApiContext = { store, credentials };
	const maxLogged = options.maxLoggedRequests ?? DEFAULT_MAX_LOGGED_REQUESTS;
	const quiet = options.quiet ?? true;
	let log: RecordedRequest[] = [];
	const sockets = new Set<Socket>();
	const sleepers = new Map<NodeJS.Timeout, () => void>();
	let stopping = false;

	const sleep = (ms: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(() => {
				sleepers.delete(timer);
				resolve();
			}, ms);
			sleepers.set(timer, resolve);
		});

	const record = (req: http.IncomingMessage, rawBody: string): RecordedRequest | undefined => {
		if (maxLogged <= 0) return undefined;
		const entry: RecordedRequest = {
			method: req.method ?? '',
			path: req.url ?? '',
			headers: { ...req.headers },
			rawBody,
			body: tryParse(rawBody),
			at: Date.now(),
		};
		log.push(entry);
		if (log.length > maxLogged) log.splice(0, log.length - maxLogged);
		return entry;
	};

	const reset = () => {
		store.resetToSeed();
		faults.reset();
		log = [];
	};

	const admin = {
		faults,
		store,
		snapshot: () => store.snapshot(),
		reset,
		requests: () => log.slice(),
		clearRequests: () => {
			log = [];
		},
	};

	const answerScripted = (req: http.IncomingMessage, res: http.ServerResponse, f: ScriptedFault) => {
		if (f.action === 'reset') {
			req.socket.destroy();
		} else if (f.action === 'hang') {
			// Never answered: the socket stays open until the client gives up or stop() runs.
		} else if (f.action === 'empty') {
			send(res, f.status ?? 200, '', { ...(f.contentType ? { 'content-type': f.contentType } : {}), ...f.headers });
		} else {
			const status = f.status ?? 500;
			const body =
				f.body === undefined
					? JSON.stringify(errorBody(status, 'Injected fault'))
					: typeof f.body === 'string'
						? f.body
						: JSON.stringify(f.body);
			send(res, status, body, { 'content-type': f.contentType ?? JSON_TYPE, ...f.headers });
		}
	};

	const run = (method: string, pathname: string, rawBody: string): ApiResponse => {
		try {
			return handleApi(ctx, method, pathname, rawBody);
		} catch (error) {
			if (!quiet) console.error('sandbox: internal error:', error);
			return { status: 500, body: errorBody(500, 'Internal sandbox error') };
		}
	};

	const faultNote = (d: FaultDecision) => (d.kind === 'none' ? '' : ` [fault: ${d.kind}]`);

	const onRequest = async (req: http.IncomingMessage, res: http.ServerResponse) => {
		const started = Date.now();
		const chunks: Buffer[] = [];
		let size = 0;
		try {
			for await (const chunk of req) {
				size += (chunk as Buffer).length;
				if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
			}
		} catch {
			return; // client went away mid-body
		}
		const rawBody = Buffer.concat(chunks).toString('utf8');
		const method = req.method ?? 'GET';
		const target = req.url ?? '/';
		const pathname = target.split('?')[0];

		// Browsers send Origin with every POST, PATCH and DELETE, so a web page (cross-site, or
		// same-site after DNS rebinding) can neither change the state nor read an API answer;
		// n8n, scripts and tests send none.
		if (req.headers.origin !== undefined) return sendJson(res, { status: 403, body: errorBody(403, WEB_PAGE_REFUSED) });
		if (pathname === '/__admin' || pathname.startsWith('/__admin/')) {
			return sendJson(res, handleAdmin(admin, { address: req.socket.remoteAddress, host: req.headers.host }, method, pathname, rawBody));
		}
		const recorded = record(req, rawBody);

		const delay = faults.delayMs();
		if (delay > 0) await sleep(delay);
		if (stopping) return;

		if (size > MAX_BODY_BYTES) return sendJson(res, { status: 413, body: errorBody(413, 'Request body is too large') });

		const decision = faults.decide(method, pathname, req.socket.remoteAddress ?? '', Date.now());
		let answer: ApiResponse | undefined;
		switch (decision.kind) {
			case 'scripted':
				if (decision.fault.phase === 'after') run(method, pathname, rawBody);
				answerScripted(req, res, decision.fault);
				break;
			case 'rateLimited':
			case 'throttled':
				answer = {
					status: 429,
					// The Alerts API's documented 429 shape (statusCode, not status).
					body: { statusCode: 429, message: `Too many requests, retry after ${decision.retryAfterSeconds} seconds` },
					headers: { 'retry-after': String(decision.retryAfterSeconds) },
				};
				break;
			case 'serverError':
				// "after": the request takes effect, only its answer is lost.
				if (decision.phase === 'after') run(method, pathname, rawBody);
				answer = {
					status: decision.status,
					body: errorBody(decision.status, `${http.STATUS_CODES[decision.status]} (injected fault)`),
				};
				break;
			default:
				answer = run(method, pathname, rawBody);
		}
		if (answer) {
			if (recorded) recorded.status = answer.status;
			sendJson(res, answer);
		}
		if (!quiet) {
			const status = answer?.status ?? (decision.kind === 'scripted' ? decision.fault.action ?? decision.fault.status ?? 500 : '-');
			console.log(`${method} ${target} -> ${status} (${Date.now() - started} ms)${faultNote(decision)}`);
		}
	};

	const server = http.createServer((req, res) => {
		onRequest(req, res).catch((error: unknown) => {
			if (!quiet) console.error('sandbox: request failed:', error);
			if (!res.headersSent) send(res, 500, JSON.stringify(errorBody(500, 'Internal sandbox error')));
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as { port: number }).port;
	const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
	const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;

	const organizations = store.snapshot().organizations;
	const demoOrganizationToken =
		organizations.find((o) => o.organizationOemToken === DEMO_ORGANIZATION_TOKEN)?.organizationOemToken ??
		organizations[0]?.organizationOemToken ??
		'';

	let closed: Promise<void> | undefined;
	return {
		url,
		port,
		credentials: { ...credentials },
		demoOrganizationToken,
		get requests() {
			return log.slice();
		},
		clearRequests: admin.clearRequests,
		setFaults: (f) => faults.set(f),
		getFaults: () => faults.get(),
		injectNext: (f) => faults.inject(f),
		state: () => store.snapshot(),
		createOrganization: (data) => {
			const org = store.createOrganization(data);
			return { organizationOemToken: org.token, organizationId: org.id };
		},
		reset,
		stop: () => {
			closed ??= new Promise<void>((resolve) => {
				stopping = true;
				for (const [timer, wake] of sleepers) {
					clearTimeout(timer);
					wake();
				}
				sleepers.clear();
				server.close(() => resolve());
				for (const socket of sockets) socket.destroy();
			});
			return closed;
		},
	};
}
