/**
 * Runs the trigger's poll in-process the way n8n's active-workflow manager does: one real
 * Workflow per activation (its static data lives on it between polls, as in n8n), and for each
 * poll n8n-core's PollContext (real parameter resolution, credentials through our credential
 * type's authenticate(), real HTTP to the sandbox).
 */
import { PollContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { MspcOemTrigger } from '../../nodes/MspcOemTrigger/MspcOemTrigger.node';
import { TRIGGER_NODE_TYPE } from '../../scripts/lib/n8n/package';
import { additionalDataFor, TestCredentialsHelper, TestNodeTypes } from './workflow';

export const TRIGGER_TYPE = TRIGGER_NODE_TYPE;
export const TRIGGER_NAME = 'MSPC OEM Trigger';

export interface PollOptions {
	mode?: WorkflowExecuteMode;
	/** Requests of this poll wait for it before they are sent. */
	gate?: Promise<unknown>;
	/** Other credentials for this poll only. */
	credentials?: ICredentialDataDecryptedObject;
}

/** One active trigger: a workflow with the trigger node, polled as often as the test likes. */
export class ActiveTrigger {
	readonly workflow: Workflow;
	readonly node: INode;

	constructor(
		private readonly credentials: ICredentialDataDecryptedObject,
		parameters: INode['parameters'],
		staticData?: IDataObject,
	) {
		this.node = {
			id: 'trigger',
			name: TRIGGER_NAME,
			type: TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			parameters,
			credentials: { mspcOemApi: { id: '1', name: 'MSPC OEM account' } },
		};
		this.workflow = new Workflow({
			id: 'trigger-test',
			nodes: [this.node],
			connections: {},
			nodeTypes: new TestNodeTypes({ [TRIGGER_TYPE]: new MspcOemTrigger() }),
			active: true,
			staticData,
		});
	}

	/** The items of one poll (null: nothing to emit), as n8n's poller receives them. */
	async poll(options: PollOptions = {}): Promise<INodeExecutionData[] | null> {
		const { gate, credentials = this.credentials } = options;
		// the gate holds each request back until the test lets it go
		const additionalData = additionalDataFor(credentials, {
			credentialsHelper: new TestCredentialsHelper(credentials, gate && (async () => void (await gate))),
			executionId: undefined,
		});
		const mode = options.mode ?? 'trigger';
		const context = new PollContext(this.workflow, this.node, additionalData, mode, 'activate');
		const nodeType = this.workflow.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
		const result = await nodeType.poll!.call(context);
		return result === null ? null : result[0];
	}

	/** The node's static data as n8n would save it in the database. */
	savedStaticData(): IDataObject {
		return JSON.parse(JSON.stringify(this.workflow.getStaticData('node', this.node))) as IDataObject;
	}
}

/**
 * An active trigger as n8n runs it, with n8n's saves of the workflow's static data: after the
 * poll at activation (when it succeeds; a failed one fails the activation, which n8n tries
 * again) and after a poll that emits — never after a poll that returns nothing or fails (n8n
 * 2.8.4, 1.123.50 and 2.41.1). A restart is a new activation from the last saved copy.
 */
export class N8nPoller {
	trigger: ActiveTrigger;
	/** The workflow's static data as last saved. */
	private saved: IDataObject | undefined;
	/** Whether the next poll is the activation's. */
	activating = true;

	constructor(
		private readonly credentials: ICredentialDataDecryptedObject,
		parameters: INode['parameters'],
		staticData?: IDataObject,
	) {
		this.saved = clone(staticData);
		this.trigger = new ActiveTrigger(credentials, parameters, clone(staticData));
	}

	/**
	 * One poll at its poll time (the first after activation is the activation's). `saveLost`: n8n
	 * stops before the save this poll starts has landed (n8n does not wait for it after an emit).
	 */
	async poll(options: PollOptions = {}, { saveLost = false } = {}): Promise<INodeExecutionData[] | null> {
		const activation = this.activating;
		const items = await this.trigger.poll(options);
		this.activating = false;
		if ((activation || items !== null) && !saveLost) this.save();
		return items;
	}

	/** n8n saving at some other moment (e.g. after an execution whose nodes changed static data). */
	save(): void {
		this.saved = clone(this.trigger.workflow.staticData);
	}

	/** n8n stopped and started again: the trigger is activated again from what was saved. */
	restart(): void {
		this.trigger = new ActiveTrigger(this.credentials, { ...this.trigger.node.parameters }, clone(this.saved));
		this.activating = true;
	}

	/** The trigger's part of what was last saved. */
	get savedStaticData(): IDataObject | undefined {
		return clone(this.saved?.[`node:${TRIGGER_NAME}`] as IDataObject | undefined);
	}
}

const clone = (data: IDataObject | undefined) => (data === undefined ? undefined : (JSON.parse(JSON.stringify(data)) as IDataObject));
