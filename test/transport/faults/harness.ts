/**
 * The fault catalogue's harness: a sandbox seeded with an organization whose token and stored
 * credential values are distinctive secrets, the node run in-process through n8n-core, and a
 * scanner that looks for those secrets in everything a run produced.
 *
 * Secrets reach the node the way a careful user passes them: the client secret through the
 * credential, the OEM token and credential values through expressions ($env), so neither the
 * workflow's parameters nor its input items hold them and the whole run can be scanned.
 */
import { createServer } from 'node:net';

import { LoggerProxy, NodeHelpers, type ICredentialDataDecryptedObject, type INode, type IRun } from 'n8n-workflow';

import { OemIntegration } from '../../../nodes/OemIntegration/OemIntegration.node';

import { DEFAULT_SEED, startSandbox, type RunningSandbox, type SandboxOptions } from '../../../sandbox';
import { findSecrets } from '../../helpers/secrets';
import { runNode, type NodeRunResult } from '../../helpers/workflow';

export const SECRETS = {
	clientSecret: 'Cs3c-Qw7Zk2Lp9Xv',
	token: 'OemT-8Hv2Nq5Rm3Jb',
	wrongToken: 'OemW-3Kd9Fp1Zs6Tc',
	wrongClientSecret: 'CsWr-5Lh8Gn2Vb4Mx',
	value1: 'CvA1-4Tg6Yb1Wd8Eh',
	value2: 'CvA2-9Jm3Xs7Pf2Kq',
	/** Characters that JSON escapes and URLs encode, to catch echoes in those forms. */
	value3: 'CvA3-Lm4Qz8"Rt\\6 Yp9/Wk',
} as const;

const ENV = {
	FAULTS_OEM_TOKEN: SECRETS.token,
	FAULTS_WRONG_TOKEN: SECRETS.wrongToken,
	FAULTS_VALUE_1: SECRETS.value1,
	FAULTS_VALUE_2: SECRETS.value2,
	FAULTS_VALUE_3: SECRETS.value3,
};

/** Expressions that read the secrets at run time. */
export const TOKEN = '={{ $env.FAULTS_OEM_TOKEN }}';
export const WRONG_TOKEN = '={{ $env.FAULTS_WRONG_TOKEN }}';
export const VALUE_1 = '={{ $env.FAULTS_VALUE_1 }}';
export const VALUE_2 = '={{ $env.FAULTS_VALUE_2 }}';
export const VALUE_3 = '={{ $env.FAULTS_VALUE_3 }}';

/** The fault organization's integration, and ones whose ids need encoding in a URL path. */
export const INTEGRATION_ID = '67ae3bcff05cb32e0cb6f001';
export const ODD_IDS = ['a/b', 'c?d', 'e#f', 'g h', 'x%2Fy', '../list'];
export const VENDOR_ID = '43211235';
export const FREE_VENDOR_ID = '67ae3bcff05cb32e0cb6d9a1';

/** Not secrets: these organizations only hold the odd ids. */
export const oddToken = (index: number) => `odd-org-token-${index}`;

export function faultSeed(): SandboxOptions['seed'] {
	return {
		vendors: DEFAULT_SEED.vendors,
		organizations: [
			...(DEFAULT_SEED.organizations ?? []),
			{
				name: 'Fault Org',
				email: 'owner@fault-org.example',
				vendorOrganizationId: 'fault-org-1',
				organizationOemToken: SECRETS.token,
				integrations: [
					{ id: INTEGRATION_ID, vendorId: VENDOR_ID, integrationCredentials: { 'api key': 'seeded-value' } },
				],
			},
			// One organization per odd id: the sandbox allows one integration per vendor.
			...ODD_IDS.map((id, index) => ({
				name: `Odd Org ${index}`,
				email: `owner@odd-${index}.example`,
				vendorOrganizationId: `odd-org-${index}`,
				organizationOemToken: oddToken(index),
				integrations: [{ id, vendorId: VENDOR_ID, integrationCredentials: { 'api key': 'seeded-value' } }],
			})),
		],
	};
}

export interface Harness {
	sandbox: RunningSandbox;
	/**
	 * A second API listening on every interface: where redirects point, and what a
	 * non-loopback http:// Base URL reaches. It must never receive a request.
	 */
	other: RunningSandbox;
	credentials: ICredentialDataDecryptedObject;
}

/** A sandbox for one test file, reset to the seed before each test. */
export function useFaultSandbox(options: SandboxOptions = {}): Harness {
	const harness = {} as Harness;
	beforeAll(async () => {
		Object.assign(process.env, ENV, { N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false' });
		harness.sandbox = await startSandbox({ clientSecret: SECRETS.clientSecret, seed: faultSeed(), ...options });
		harness.other = await startSandbox({ clientSecret: SECRETS.clientSecret, seed: faultSeed(), host: '127.0.0.1' });
		harness.credentials = {
			baseUrl: harness.sandbox.url,
			clientId: harness.sandbox.credentials.clientId,
			clientSecret: SECRETS.clientSecret,
			scope: harness.sandbox.credentials.scope,
		};
	});
	beforeEach(() => {
		harness.sandbox.reset();
		harness.other.reset();
	});
	afterAll(async () => {
		await harness.sandbox.stop();
		await harness.other.stop();
	});
	return harness;
}

/** Quick retries for tests; a row can override any of them. */
export const FAST = { maxRetries: 2, retryDelay: 1, timeout: 2_000 };

/** The node's parameters per operation, with secrets as expressions. */
export type FaultOperation =
	| 'vendorList'
	| 'integrationList'
	| 'create'
	| 'update'
	| 'upsert'
	| 'organizationCreate'
	| 'userAdd'
	| 'userRemove';

/** A user of the demo organization (its token is not one of the SECRETS): User: Add outputs that token. */
export const NEW_USER_EMAIL = 'new.user@demo-msp.example';

export function params(operation: FaultOperation, extra: INode['parameters'] = {}): INode['parameters'] {
	const base: Record<FaultOperation, INode['parameters']> = {
		vendorList: { resource: 'vendor', operation: 'list', returnAll: true },
		integrationList: { resource: 'integration', operation: 'list', organizationOemToken: TOKEN, returnAll: true },
		create: {
			resource: 'integration',
			operation: 'create',
			organizationOemToken: TOKEN,
			vendorId: { __rl: true, mode: 'id', value: FREE_VENDOR_ID },
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: 'api key', value: VALUE_1 }, { key: 'api secret', value: VALUE_2 }] },
		},
		update: {
			resource: 'integration',
			operation: 'update',
			organizationOemToken: TOKEN,
			integrationId: { __rl: true, mode: 'id', value: INTEGRATION_ID },
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: 'api key', value: VALUE_1 }, { key: 'api username', value: VALUE_2 }] },
			// The rows are about the update request: with this opt-in it is sent without reading the
			// stored keys first (the guarded path has its tests in test/actions/writeGuard.test.ts).
			removeBlankFields: true,
		},
		// Create or Update of a vendor the fault organization has no integration for: list, then create.
		upsert: {
			resource: 'integration',
			operation: 'upsert',
			organizationOemToken: TOKEN,
			vendorId: { __rl: true, mode: 'id', value: FREE_VENDOR_ID },
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: 'api key', value: VALUE_1 }, { key: 'api secret', value: VALUE_2 }] },
		},
		organizationCreate: {
			resource: 'organization',
			operation: 'create',
			name: 'Fault Customer',
			email: 'owner@fault-customer.example',
			firstName: 'Fay',
			lastName: 'Customer',
			additionalFields: { vendorOrganizationId: 'fault-customer-1' },
		},
		userAdd: { resource: 'user', operation: 'add', email: NEW_USER_EMAIL, firstName: 'Nia', lastName: 'New' },
		userRemove: { resource: 'user', operation: 'remove', organizationOemToken: TOKEN },
	};
	const { options, ...rest } = extra as { options?: object };
	return { ...base[operation], ...rest, options: { ...FAST, ...(options ?? {}) } } as INode['parameters'];
}

export interface ShownError {
	message: string;
	description: string;
	httpCode: string;
}

export interface Outcome extends Partial<NodeRunResult> {
	/** The node's error (Continue On Fail off), or the first error item (on). */
	error?: ShownError;
	/**
	 * Set when n8n itself refused to start the workflow because a required parameter is empty
	 * (the editor shows these issues on the node): n8n's issue texts.
	 */
	issues?: string[];
	requests: RunningSandbox['requests'];
	elapsedMs: number;
	/** Everything printed or logged while the node ran. */
	logs: string[];
}

function shown(error: unknown): ShownError | undefined {
	if (!error || typeof error !== 'object') return undefined;
	const e = error as Record<string, unknown>;
	const text = (value: unknown) => (typeof value === 'string' ? value : value == null ? '' : String(value));
	return { message: text(e.message ?? e.error), description: text(e.description), httpCode: text(e.httpCode) };
}

/** Captures console output, process output and n8n's logger while `body` runs. */
export async function capturing<T>(body: () => Promise<T>): Promise<{ value: T; logs: string[] }> {
	const logs: string[] = [];
	const record =
		(level: string) =>
		(...args: unknown[]) =>
			logs.push(`${level} ${args.map((a) => (typeof a === 'string' ? a : deepText(a))).join(' ')}`);
	const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((level) =>
		jest.spyOn(console, level).mockImplementation(record(level)),
	);
	const writes = (['stdout', 'stderr'] as const).map((stream) =>
		jest.spyOn(process[stream], 'write').mockImplementation((chunk: unknown) => {
			logs.push(`${stream} ${String(chunk)}`);
			return true;
		}),
	);
	LoggerProxy.init({
		error: record('n8n.error'),
		warn: record('n8n.warn'),
		info: record('n8n.info'),
		debug: record('n8n.debug'),
	} as never);
	try {
		return { value: await body(), logs };
	} finally {
		for (const spy of [...spies, ...writes]) spy.mockRestore();
	}
}

export async function run(
	harness: Harness,
	options: {
		parameters: INode['parameters'];
		credentials?: Partial<ICredentialDataDecryptedObject>;
		items?: object[];
		continueOnFail?: boolean;
	},
): Promise<Outcome> {
	harness.sandbox.clearRequests();
	const started = Date.now();
	const { value, logs } = await capturing(async () => {
		try {
			return await runNode({
				credentials: { ...harness.credentials, ...options.credentials } as ICredentialDataDecryptedObject,
				parameters: options.parameters,
				items: options.items,
				continueOnFail: options.continueOnFail,
			});
		} catch (error) {
			if ((error as Error).name !== 'WorkflowHasIssuesError') throw error;
			return error as Error;
		}
	});
	if (value instanceof Error) {
		return {
			error: { message: value.message, description: '', httpCode: '' },
			issues: parameterIssues(options.parameters),
			requests: harness.sandbox.requests,
			elapsedMs: Date.now() - started,
			logs,
		};
	}
	const errorItem = value.output.find((item) => item.json.error !== undefined)?.json;
	return {
		...value,
		error: shown(value.task.error) ?? shown(errorItem),
		requests: harness.sandbox.requests,
		elapsedMs: Date.now() - started,
		logs,
	};
}

const nodeType = new OemIntegration();

/** The parameter issues n8n finds on our node (what its editor shows). */
export function parameterIssues(parameters: INode['parameters']): string[] {
	const node = { id: 'oem', name: 'MSPC OEM', type: 'oemIntegration', typeVersion: 1, position: [0, 0], parameters } as INode;
	const resolved = NodeHelpers.getNodeParameters(nodeType.description.properties, parameters, true, false, node, nodeType.description);
	const issues = NodeHelpers.getNodeParametersIssues(nodeType.description.properties, { ...node, parameters: resolved ?? {} }, nodeType.description);
	return Object.values(issues?.parameters ?? {}).flat();
}

/**
 * Every string reachable from `value`: own properties whether enumerable or not (an error's
 * message, stack, cause, messages, context, errorResponse…), without calling toJSON, which
 * would hide some of them.
 */
export function deepText(value: unknown): string {
	const parts: string[] = [];
	const seen = new WeakSet<object>();
	const walk = (current: unknown, depth: number) => {
		if (typeof current === 'string') parts.push(current);
		else if (typeof current === 'number' || typeof current === 'boolean' || typeof current === 'bigint') parts.push(String(current));
		else if ((typeof current === 'object' || typeof current === 'function') && current !== null) {
			if (seen.has(current) || depth > 60) return;
			seen.add(current);
			if (current instanceof Map) for (const [k, v] of current) (walk(k, depth + 1), walk(v, depth + 1));
			if (current instanceof Set) for (const v of current) walk(v, depth + 1);
			if (Buffer.isBuffer(current)) return parts.push(current.toString('utf8')) as unknown as void;
			for (const key of Object.getOwnPropertyNames(current)) {
				parts.push(key);
				let child: unknown;
				try {
					child = (current as Record<string, unknown>)[key];
				} catch {
					continue;
				}
				if (typeof child !== 'function') walk(child, depth + 1);
			}
		}
	};
	walk(value, 0);
	return parts.join('\n');
}

/** The fault secrets (or the given ones) found in `text`, by the shared scanner. */
export function secretsIn(text: string, secrets: readonly string[] = Object.values(SECRETS)): string[] {
	return findSecrets(text, [...secrets]);
}

/** Everything a run produced: the whole IRun (errors with all their properties) and the logs. */
export function producedText(outcome: Pick<Outcome, 'run' | 'error' | 'logs'>): string {
	return `${deepText(outcome.run as IRun)}\n${JSON.stringify(outcome.run ?? null)}\n${deepText(outcome.error)}\n${outcome.logs.join('\n')}`;
}

/**
 * A plain-http address that is not spelled as localhost/127.x but still reaches this machine
 * (IPv4-mapped loopback): refused like any remote host, and if a fault let a request through,
 * it would land on our own listener, never on another machine.
 */
export const NON_LOCAL_HTTP_HOST = '[::ffff:127.0.0.1]';

/** A port on loopback that nothing listens on: connecting to it is refused. */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}
