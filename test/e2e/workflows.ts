/** Workflows and credentials the end-to-end tests import into a real n8n. */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CREDENTIAL_TYPE, NODE_TYPE, TOOL_NODE_TYPE, type CredentialFixture } from '../../scripts/lib/n8n';
import { byId, templateFields } from '../helpers/parameters';

export interface SandboxLike {
	url: string;
	credentials: { clientId: string; clientSecret: string; scope: string };
}

export const GOOD_CREDENTIAL_ID = 'e2eOemGood';
export const BAD_CREDENTIAL_ID = 'e2eOemBadSecret';
export const WRONG_SECRET = 'wrong-secret-e2e-1234567890';

export function oemCredentials(sandbox: SandboxLike): CredentialFixture[] {
	const base = { baseUrl: sandbox.url, clientId: sandbox.credentials.clientId, scope: sandbox.credentials.scope };
	return [
		{
			id: GOOD_CREDENTIAL_ID,
			name: 'MSPC OEM Sandbox',
			type: CREDENTIAL_TYPE,
			data: { ...base, clientSecret: sandbox.credentials.clientSecret },
		},
		{
			id: BAD_CREDENTIAL_ID,
			name: 'MSPC OEM Sandbox (wrong secret)',
			type: CREDENTIAL_TYPE,
			data: { ...base, clientSecret: WRONG_SECRET },
		},
	];
}

const manualTrigger = {
	id: '0b8f9a52-4c7e-4a53-9a77-4f1e1d2a0001',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function workflow(id: string, name: string, node: Record<string, unknown>) {
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [manualTrigger, { id: '0b8f9a52-4c7e-4a53-9a77-4f1e1d2a0002', position: [220, 0], ...node }],
		connections: { Start: { main: [[{ node: node.name, type: 'main', index: 0 }]] } },
	};
}

/**
 * n8n's own HTTP Request node calling the sandbox with our credential type as a predefined
 * credential: n8n runs our `authenticate`, so no secret appears in the workflow.
 */
export function httpVendorsWorkflow(sandbox: SandboxLike, credentialId = GOOD_CREDENTIAL_ID) {
	return workflow(credentialId === GOOD_CREDENTIAL_ID ? 'e2eHttpVendors' : 'e2eHttpVendorsBad', 'E2E HTTP vendors', {
		name: 'Vendors',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: {
			method: 'POST',
			url: `${sandbox.url}/api/oem-api/vendor`,
			authentication: 'predefinedCredentialType',
			nodeCredentialType: CREDENTIAL_TYPE,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '{}',
			options: {},
		},
		credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: 'MSPC OEM Sandbox' } },
	});
}

/** Our node: Vendor → List. */
export function nodeVendorsWorkflow(credentialId = GOOD_CREDENTIAL_ID) {
	return workflow(credentialId === GOOD_CREDENTIAL_ID ? 'e2eNodeVendors' : 'e2eNodeVendorsBad', 'E2E node vendors', {
		name: 'MSPC OEM',
		type: NODE_TYPE,
		typeVersion: 1,
		parameters: { resource: 'vendor', operation: 'list', returnAll: true },
		credentials: { [CREDENTIAL_TYPE]: { id: credentialId, name: 'MSPC OEM Sandbox' } },
	});
}

// ---------------------------------------------------------------------------------------------
// building blocks for the workflows below

let nodeSeq = 0x100;
const uuid = () => `0b8f9a52-4c7e-4a53-9a77-${(nodeSeq++).toString(16).padStart(12, '0')}`;

type N8nNode = {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	[extra: string]: unknown;
};

function n(
	name: string,
	type: string,
	typeVersion: number,
	parameters: Record<string, unknown>,
	extra: Record<string, unknown> = {},
): N8nNode {
	return { id: uuid(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

const credentialRef = (id = GOOD_CREDENTIAL_ID) => ({ [CREDENTIAL_TYPE]: { id, name: 'MSPC OEM Sandbox' } });

/** Our node with the sandbox credential. */
export function oem(name: string, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}): N8nNode {
	return n(name, NODE_TYPE, 1, parameters, { credentials: credentialRef(), ...extra });
}

/** A Code node ("Run Once for All Items" unless `perItem`). */
export function code(name: string, jsCode: string, perItem = false): N8nNode {
	return n(name, 'n8n-nodes-base.code', 2, perItem ? { mode: 'runOnceForEachItem', jsCode } : { jsCode });
}

/** A linear workflow: Start → nodes[0] → nodes[1] → … (positions laid out left to right). */
export function chain(id: string, name: string, nodes: N8nNode[], extra: Record<string, unknown> = {}) {
	const all = [{ ...manualTrigger }, ...nodes].map((node, i) => ({ ...node, position: [i * 220, 0] }));
	const connections: Record<string, unknown> = {};
	for (let i = 0; i < all.length - 1; i++) {
		connections[all[i].name] = { main: [[{ node: all[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name, active: false, settings: { executionOrder: 'v1' }, nodes: all, connections, ...extra };
}


// ---------------------------------------------------------------------------------------------
// every operation, chained; secrets reach our node only through expressions on input items

export const VENDOR = {
	northwind: '43211235',
	bluefin: '67ae3bcff05cb32e0cb6d9a1',
	harbor: '67ae3bcff05cb32e0cb6d9a2',
	quartz: '67ae3bcff05cb32e0cb6d9a4',
	summit: '90017',
} as const;

/** Values the "every operation" workflow's Input node hands to our node (all are secrets). */
export interface OpsInput {
	token: string;
	northwindKey: string;
	northwindUser: string;
	bluefinUser: string;
	bluefinKey: string;
	bluefinUnicode: string;
	harborTenant: string;
	harborKey: string;
	rotatedKey: string;
}

/** The keys of the key/value create: spaces, a dot-free unicode key. */
export const UNICODE_KEY = 'clé d’accès ✓';

export function operationsWorkflow(input: OpsInput) {
	const inp = (field: keyof OpsInput) => `={{ $('Input').item.json.${field} }}`;
	const token = inp('token');
	return chain('e2eOps', 'E2E every operation', [
		// The stand-in for wherever a user keeps these (a vault node, a database row...).
		code('Input', `return [{ json: { vendorFilter: 'NORTHwind', ...${JSON.stringify(input)} } }];`),
		oem('Vendor List (filter)', {
			resource: 'vendor',
			operation: 'list',
			returnAll: true,
			filters: { nameContains: '={{ $json.vendorFilter }}', integrationStatus: 'active' },
		}),
		oem('Create (template)', {
			resource: 'integration',
			operation: 'create',
			organizationOemToken: token,
			vendorId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			credentialsMode: 'template',
			credentialFields: templateFields({ 'api key': inp('northwindKey'), 'api username': inp('northwindUser') }),
		}),
		oem('Create (key/value)', {
			resource: 'integration',
			operation: 'create',
			organizationOemToken: token,
			vendorId: byId(VENDOR.bluefin),
			credentialsMode: 'keyValue',
			credentialValues: {
				values: [
					{ key: 'api user', value: inp('bluefinUser') },
					{ key: 'api key', value: inp('bluefinKey') },
					{ key: UNICODE_KEY, value: inp('bluefinUnicode') },
				],
			},
		}),
		oem('Create (JSON)', {
			resource: 'integration',
			operation: 'create',
			organizationOemToken: token,
			vendorId: { __rl: true, mode: 'list', value: VENDOR.harbor, cachedResultName: 'Harbor Cloud Backup' },
			credentialsMode: 'json',
			credentialsJson:
				"={{ JSON.stringify({ 'tenant id': $('Input').item.json.harborTenant, 'api key': $('Input').item.json.harborKey, region: 'eu-west' }) }}",
		}),
		oem('Integration List', {
			resource: 'integration',
			operation: 'list',
			organizationOemToken: token,
			returnAll: true,
		}),
		code('Pick Northwind', `return $input.all().filter((item) => item.json.vendorId === '${VENDOR.northwind}');`),
		oem('Update', {
			resource: 'integration',
			operation: 'update',
			organizationOemToken: token,
			integrationId: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			credentialsMode: 'keyValue',
			credentialValues: {
				values: [
					{ key: 'api key', value: inp('rotatedKey') },
					{ key: 'api username', value: inp('northwindUser') },
				],
			},
		}),
	]);
}

// ---------------------------------------------------------------------------------------------
// the OEM lifecycle: an organization, a user, Create or Update on both paths, the blank-field
// guard, removing the user; the new token only ever comes from the API's answer

export interface LifecycleInput {
	company: string;
	domain: string;
	crmAccountId: string;
	apiKey: string;
	rotatedKey: string;
}

export function lifecycleWorkflow(input: LifecycleInput) {
	const inp = (field: keyof LifecycleInput) => `={{ $('Input').item.json.${field} }}`;
	const token = "={{ $('Create organization').item.json.organizationOemToken }}";
	const upsert = (name: string, key: string, extra: Record<string, unknown> = {}) =>
		oem(name, {
			resource: 'integration',
			operation: 'upsert',
			organizationOemToken: token,
			vendorId: byId(VENDOR.northwind),
			credentialsMode: 'keyValue',
			credentialValues: { values: [{ key: 'api key', value: inp(key as keyof LifecycleInput) }, { key: 'api username', value: 'svc-lifecycle' }] },
			...extra,
		});
	return chain('e2eLifecycle', 'E2E organization lifecycle', [
		code('Input', `return [{ json: ${JSON.stringify(input)} }];`),
		oem('Create organization', {
			resource: 'organization',
			operation: 'create',
			name: inp('company'),
			email: `={{ 'owner@' + $('Input').item.json.domain }}`,
			firstName: 'Olga',
			lastName: 'Owner',
			additionalFields: { vendorOrganizationId: inp('crmAccountId') },
		}),
		oem('Add user', {
			resource: 'user',
			operation: 'add',
			email: `={{ 'tech@' + $('Input').item.json.domain }}`,
			firstName: 'Tomas',
			lastName: 'Tech',
			additionalFields: { vendorOrganizationId: inp('crmAccountId'), vendorUserId: 'tech-1' },
		}),
		upsert('Create or Update (creates)', 'apiKey'),
		upsert('Create or Update (updates)', 'rotatedKey'),
		oem(
			'Update with a blank field',
			{
				resource: 'integration',
				operation: 'upsert',
				organizationOemToken: token,
				vendorId: byId(VENDOR.northwind),
				credentialsMode: 'template',
				credentialFields: templateFields({ 'api key': inp('rotatedKey'), 'api username': '' }),
			},
			{ onError: 'continueRegularOutput' },
		),
		oem('Remove user', { resource: 'user', operation: 'remove', organizationOemToken: token }),
	]);
}

// ---------------------------------------------------------------------------------------------
// errors; every secret comes from an environment variable read by an expression, so nothing in
// the workflow or its inputs holds one and any trace of it in n8n's data is a leak

export const ENV = { token: 'E2E_OEM_TOKEN', key: 'E2E_API_KEY', secret: 'E2E_API_SECRET' } as const;
export const UNKNOWN_VENDOR = '99999999';

function envCreate(name: string, extra: Record<string, unknown> = {}) {
	return oem(
		name,
		{
			resource: 'integration',
			operation: 'create',
			organizationOemToken: `={{ $env.${ENV.token} }}`,
			vendorId: { __rl: true, mode: 'id', value: "={{ $('Input').item.json.vendorId }}" },
			credentialsMode: 'keyValue',
			credentialValues: {
				values: [
					{ key: 'api key', value: `={{ $env.${ENV.key} }}` },
					{ key: 'api secret', value: `={{ $env.${ENV.secret} }}` },
				],
			},
			options: { maxRetries: 0 },
		},
		extra,
	);
}

const errorInput = () =>
	code(
		'Input',
		`return ${JSON.stringify([VENDOR.summit, UNKNOWN_VENDOR, VENDOR.quartz])}.map((vendorId) => ({ json: { vendorId } }));`,
	);

/** 3 items, the second with an unknown vendor (404); then the same again (409, 404, 409). */
export function continueOnFailWorkflow() {
	return chain('e2eContinue', 'E2E continue on fail', [
		errorInput(),
		envCreate('Create', { onError: 'continueRegularOutput' }),
		envCreate('Create again', { onError: 'continueRegularOutput' }),
	]);
}

/** The duplicate create without Continue On Fail: the execution fails and n8n stores the error. */
export function failingWorkflow() {
	return chain('e2eFail', 'E2E failing create', [errorInput(), envCreate('Create')]);
}

// ---------------------------------------------------------------------------------------------
// the AI tool variant, run the way n8n's editor runs a tool node on its own

export const TOOL_EXECUTOR_TYPE = '@n8n/n8n-nodes-langchain.toolExecutor';

/**
 * What n8n builds for "Execute step" on a tool node (rewireGraph): the agent replaced by a
 * Tool Executor whose `query` holds the arguments a model would choose; each `$fromAI()` in the
 * tool's parameters is filled from them. One executor per tool, as the editor runs one tool at
 * a time. The query's shape follows the version: n8n 2.x's executor reads the arguments under
 * the tool's name (`keyedByTool`), 1.x's takes them as they are.
 */
export function toolWorkflow(
	args: { findVendor: Record<string, string>; createIntegration: Record<string, string> },
	keyedByTool: boolean,
) {
	const tool = (name: string, parameters: Record<string, unknown>, x: number): N8nNode => ({
		...n(name, TOOL_NODE_TYPE, 1, parameters, { credentials: credentialRef() }),
		position: [x, 220],
	});
	const executor = (name: string, toolName: string, toolArgs: Record<string, string>, x: number): N8nNode => ({
		...n(name, TOOL_EXECUTOR_TYPE, 1, {
			query: JSON.stringify(keyedByTool ? { [toolName]: toolArgs } : toolArgs),
			toolName,
			node: '',
		}),
		position: [x, 0],
	});
	const findVendor = tool(
		'Find vendor',
		{
			resource: 'vendor',
			operation: 'list',
			returnAll: true,
			filters: {
				nameContains: "={{ $fromAI('vendorName', 'Part of the vendor name to look for', 'string') }}",
			},
		},
		220,
	);
	const createIntegration = tool(
		'Create integration',
		{
			resource: 'integration',
			operation: 'create',
			organizationOemToken: `={{ $env.${ENV.token} }}`,
			vendorId: {
				__rl: true,
				mode: 'id',
				value: "={{ $fromAI('vendorId', 'The id of the vendor, from Find vendor', 'string') }}",
			},
			credentialsMode: 'keyValue',
			credentialValues: {
				values: [
					{ key: 'api username', value: "={{ $fromAI('apiUsername', 'The vendor API user name', 'string') }}" },
					{ key: 'api secret', value: "={{ $fromAI('apiSecret', 'The vendor API secret', 'string') }}" },
					{ key: 'tenant id', value: "={{ $fromAI('tenantId', 'The tenant id at the vendor', 'string') }}" },
				],
			},
			options: { maxRetries: 0 },
		},
		440,
	);
	return {
		id: 'e2eTool',
		name: 'E2E tool variant',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			manualTrigger,
			executor('Run Find vendor', 'Find_vendor', args.findVendor, 220),
			executor('Run Create integration', 'Create_integration', args.createIntegration, 440),
			findVendor,
			createIntegration,
		],
		connections: {
			Start: { main: [[{ node: 'Run Find vendor', type: 'main', index: 0 }]] },
			'Run Find vendor': { main: [[{ node: 'Run Create integration', type: 'main', index: 0 }]] },
			'Find vendor': { ai_tool: [[{ node: 'Run Find vendor', type: 'ai_tool', index: 0 }]] },
			'Create integration': { ai_tool: [[{ node: 'Run Create integration', type: 'ai_tool', index: 0 }]] },
		},
	};
}

// ---------------------------------------------------------------------------------------------
// the example workflows shipped in examples/

export const EXAMPLES = {
	onboarding: { file: 'onboarding-chain.json', id: 'exOnboarding', webhookPath: 'mspc-deal-won' },
	scheduledSync: { file: 'scheduled-sync.json', id: 'exScheduledSync' },
	vendorCatalogue: { file: 'vendor-catalogue.json', id: 'exVendorCatalog' },
	newVendorOffer: { file: 'new-vendor-offer.json', id: 'exNewVendorOffer' },
} as const;

export function loadExample(file: string): any {
	return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', file), 'utf8'));
}

/**
 * The same two tools attached to an AI Agent (no chat model: n8n replaces the agent by its
 * Tool Executor when the editor runs one tool with "Execute step", so none is needed).
 */
export function toolAgentWorkflow() {
	const tool = toolWorkflow({ findVendor: {}, createIntegration: {} }, true);
	const tools = tool.nodes.filter((node: any) => node.type === TOOL_NODE_TYPE);
	const agent = {
		...n('AI Agent', '@n8n/n8n-nodes-langchain.agent', 3, {
			promptType: 'define',
			text: 'Set up the vendor integration the customer asked for',
			options: {},
		}),
		position: [220, 0] as [number, number],
	};
	return {
		id: 'e2eToolAgent',
		name: 'E2E tools on an agent',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [manualTrigger, agent, ...tools],
		connections: {
			Start: { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'Find vendor': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
			'Create integration': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
	};
}
