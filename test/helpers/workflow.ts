/**
 * Executes workflows in-process the way n8n does: n8n-core's WorkflowExecute runs a real
 * Workflow (parameter resolution, expressions, continueOnFail, pairing), our credential type's
 * authenticate() adds the auth fields, and every request goes over real HTTP.
 */
import { ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	createDeferredPromise,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypes,
	type IRun,
	type ITaskData,
	type IWorkflowExecuteAdditionalData,
	type IVersionedNodeType,
	type IConnections,
	type ICredentialsExpressionResolveValues,
	type IExecuteData,
	type INodeParameters,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, MspcOemApi } from '../../credentials/MspcOemApi.credentials';
import { OemIntegration } from '../../nodes/OemIntegration/OemIntegration.node';
import { NODE_TYPE } from '../../scripts/lib/n8n/package';
import { toRunResult, type RunResult } from '../../scripts/lib/n8n/runResult';

const INPUT_TYPE = 'test.items';

/** The trigger of test workflows: emits the items given in its `items` parameter. */
class ItemsTrigger implements INodeType {
	description = {
		displayName: 'Test Items',
		name: 'items',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items',
		defaults: { name: 'Items' },
		inputs: [],
		outputs: ['main'],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as object[];
		return [items.map((json) => ({ json: json as INodeExecutionData['json'] }))];
	}
}

/** The node types a test workflow may use, by type name. */
export class TestNodeTypes implements INodeTypes {
	constructor(private readonly types: Record<string, INodeType | IVersionedNodeType>) {}

	getByName(type: string) {
		return this.types[type];
	}

	getByNameAndVersion(type: string, version?: number) {
		return NodeHelpers.getVersionedNodeType(this.types[type], version);
	}

	getKnownTypes() {
		return {};
	}
}

const credentialType = new MspcOemApi();

/** The node n8n's credentials helper resolves expressions for when no item is given (trigger, editor). */
const CREDENTIAL_MOCK_NODE: INode = { id: 'mock', name: 'mock', type: 'mock', typeVersion: 1, position: [0, 0], parameters: {} };
const mockNodeTypes = new TestNodeTypes({
	mock: { description: { properties: [] } } as unknown as INodeType,
});

/**
 * Holds the credential data like n8n's store does, gives it as n8n's credentials helper does
 * (defaults filled in, then every expression resolved: for the item n8n names, or without item
 * data), and authenticates with our credential type.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	/** How often n8n read (in a real n8n: queried and decrypted) the credential. */
	reads = 0;

	/**
	 * @param beforeRequest runs before each request is authenticated (and sent), with its options;
	 *   a test can hold a request back with it.
	 */
	constructor(
		private readonly data: ICredentialDataDecryptedObject,
		private readonly beforeRequest?: (options: IHttpRequestOptions) => Promise<void>,
	) {
		super();
	}

	getParentTypes() {
		return [];
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, _type: string, options: IHttpRequestOptions) {
		await this.beforeRequest?.(options);
		return await credentialType.authenticate(credentials, options);
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		_type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		_raw?: boolean,
		resolveFor?: ICredentialsExpressionResolveValues,
	) {
		this.reads++;
		const data = NodeHelpers.getNodeParameters(credentialType.properties, this.data as INodeParameters, true, false, null, null)!;
		if (resolveFor) {
			const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } = resolveFor;
			return workflow.expression.getParameterValue(
				data,
				runExecutionData,
				runIndex,
				itemIndex,
				node.name,
				connectionInputData,
				mode,
				{},
				executeData,
				false,
				data,
			) as ICredentialDataDecryptedObject;
		}
		const workflow = new Workflow({ nodes: [CREDENTIAL_MOCK_NODE], connections: {}, active: false, nodeTypes: mockNodeTypes });
		return workflow.expression.getComplexParameterValue(CREDENTIAL_MOCK_NODE, data, mode, {}, undefined, undefined, data) as ICredentialDataDecryptedObject;
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return credentialType.properties;
	}
}

export interface RunOptions {
	credentials: ICredentialDataDecryptedObject;
	/** Our node's parameters. */
	parameters: INode['parameters'];
	/** The items our node receives. */
	items?: object[];
	continueOnFail?: boolean;
	/** Stops the execution when it aborts, as the editor's Stop button does. */
	cancel?: AbortSignal;
	/** Runs before each request is sent, with its options (body without the client credentials). */
	beforeRequest?: (options: IHttpRequestOptions) => Promise<void>;
}

/** An in-process run: n8n's run result, with our node's task data and output. */
export interface NodeRunResult extends RunResult {
	run: IRun;
	/** Our node's task data. */
	task: ITaskData;
	/** Our node's output items (main output 0). */
	output: INodeExecutionData[];
	/** How often the credential was read from n8n's store during the run. */
	credentialReads: number;
}

function buildWorkflow(options: { parameters: INode['parameters']; items?: object[]; continueOnFail?: boolean }) {
	const nodes: INode[] = [
		{
			id: 'items',
			name: 'Items',
			type: INPUT_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		},
		{
			id: 'oem',
			name: 'MSPC OEM',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: options.parameters,
			credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'MSPC OEM account' } },
			continueOnFail: options.continueOnFail,
		},
	];
	const connections: IConnections = {
		Items: { main: [[{ node: 'MSPC OEM', type: 'main', index: 0 }]] },
	};
	const nodeTypes = new TestNodeTypes({ [NODE_TYPE]: new OemIntegration(), [INPUT_TYPE]: new ItemsTrigger() });
	const workflow = new Workflow({ id: 'test', nodes, connections, nodeTypes, active: false });
	return { workflow, nodes, connections };
}

/** What n8n gives a node run besides the workflow: our credentials helper, local URLs; `extra` overrides. */
export function additionalDataFor(
	credentials: ICredentialDataDecryptedObject,
	extra: Partial<IWorkflowExecuteAdditionalData>,
): IWorkflowExecuteAdditionalData {
	return {
		credentialsHelper: new TestCredentialsHelper(credentials),
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		currentNodeParameters: undefined,
		variables: {},
		userId: 'test-user',
		...extra,
	} as unknown as IWorkflowExecuteAdditionalData;
}

export async function runNode(options: RunOptions): Promise<NodeRunResult> {
	const { workflow, nodes, connections } = buildWorkflow(options);
	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
		id: 'test',
		name: 'test',
		nodes,
		connections,
	} as never);
	const finished = createDeferredPromise<IRun>();
	hooks.addHandler('workflowExecuteAfter', (run) => finished.resolve(run));
	const credentialsHelper = new TestCredentialsHelper(options.credentials, options.beforeRequest);
	const additionalData = additionalDataFor(options.credentials, { hooks, credentialsHelper });
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData);
	const running = execution.processRunExecutionData(workflow);
	options.cancel?.addEventListener('abort', () => running.cancel(), { once: true });
	// Settles when the nodes have returned, also after a cancel.
	await running;
	const run = await finished.promise;
	const task = run.data.resultData.runData['MSPC OEM']?.[0];
	if (!task) throw new Error(`Our node did not run: ${run.data.resultData.error?.message ?? 'no error'}`);
	return { ...toRunResult(run), run, task, output: task.data?.main?.[0] ?? [], credentialReads: credentialsHelper.reads };
}

/**
 * The context n8n gives a node's editor methods (dropdowns, resource mapper) while the user
 * edits it: the node's current parameters, and the credential.
 */
export function loadOptionsContext(
	credentials: ICredentialDataDecryptedObject,
	parameters: INode['parameters'],
): ILoadOptionsFunctions {
	const { workflow, nodes } = buildWorkflow({ parameters });
	const additionalData = additionalDataFor(credentials, { currentNodeParameters: parameters });
	return new LoadOptionsContext(workflow, nodes[1], additionalData, 'parameters');
}
