import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INode,
	IPollFunctions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../../credentials/MspcOemApi.credentials';
import { FlowController } from './flowControl';
import { WriteOrder } from './writeOrder';

export type OemContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/**
 * What the requests of one execution share, made once per execution (per editor lookup, per poll) and
 * passed down explicitly; nothing outlives it, so nothing is kept in the process between
 * executions (a second queue-mode worker needs nothing from the first).
 */
export class OemExecution<Context extends OemContext = OemContext> {
	/** The pace of all items' requests: the shared 429 pause and, in Auto, the adaptive window. */
	readonly flow: FlowController;

	/** Writes to one integration, applied in input order. */
	readonly writes = new WriteOrder();

	/** Aborts when the user stops the execution; polls and editor lookups have none. */
	readonly cancelSignal?: AbortSignal;

	/** Answers of identical reads, so items asking the same thing send it once. */
	private readonly answers = new Map<string, Promise<unknown>>();

	private credential?: Promise<ICredentialsDecrypted>;

	private nodeCopy?: INode;

	/** `auto`: Items at Once adapts (the runner asks `flow.window`); otherwise the runner fixes it. */
	constructor(
		readonly ctx: Context,
		options: { auto?: boolean } = {},
	) {
		this.cancelSignal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
		this.flow = new FlowController(options.auto ?? false, this.cancelSignal);
	}

	/**
	 * The credential, read (a database query and a decryption in n8n) once per execution and
	 * handed to n8n's request helper, which then applies the credential type's `authenticate`
	 * without reading it again.
	 */
	async credentials(itemIndex?: number): Promise<ICredentialsDecrypted & { data: ICredentialDataDecryptedObject }> {
		this.credential ??= this.ctx.getCredentials(CREDENTIAL_TYPE, itemIndex).then((data) => {
			const reference = this.ctx.getNode().credentials?.[CREDENTIAL_TYPE];
			return { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data };
		});
		return (await this.credential) as ICredentialsDecrypted & { data: ICredentialDataDecryptedObject };
	}

	/** The answer of `key`, asked once per execution. */
	async shared<T>(key: string, ask: () => Promise<T>): Promise<T> {
		let answer = this.answers.get(key) as Promise<T> | undefined;
		if (!answer) this.answers.set(key, (answer = ask()));
		return await answer;
	}

	/** The node, for errors: n8n's getNode() makes a deep copy on every call, so one is kept. */
	get node(): INode {
		return (this.nodeCopy ??= this.ctx.getNode());
	}

	/** Whether the user stopped the execution. */
	get cancelled(): boolean {
		return this.cancelSignal?.aborted === true;
	}
}
