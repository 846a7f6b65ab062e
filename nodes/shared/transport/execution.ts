import {
	isExpression,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INode,
	type IPollFunctions,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, FIELDS_USE_EXPRESSIONS, oemAuthFields } from '../../../credentials/MspcOemApi.credentials';
import { FlowController } from './flowControl';
import type { RateLimit } from './rateLimit';
import { WriteOrder } from './writeOrder';

export type OemContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export type OemCredential = ICredentialsDecrypted & { data: ICredentialDataDecryptedObject };

/** One read of the credential, and whether its values hold for every item. */
interface CredentialRead {
	credential: OemCredential;
	forEveryItem: boolean;
}

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

	/** The credential as read for each item; the first read is the one every item can share. */
	private readonly credentialReads = new Map<number, Promise<CredentialRead>>();

	private firstCredentialRead?: Promise<CredentialRead>;

	private nodeCopy?: INode;

	/** Parameters that hold no expression, as read for the first item that asked: the same for all. */
	private readonly parametersForEveryItem = new Map<string, unknown>();

	/**
	 * `auto`: Items at Once adapts (the runner asks `flow.window`); otherwise the runner fixes it.
	 * `rateLimit`: the Rate Limit option, a limit known in advance.
	 */
	constructor(
		readonly ctx: Context,
		options: { auto?: boolean; rateLimit?: RateLimit } = {},
	) {
		this.cancelSignal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
		this.flow = new FlowController(options.auto ?? false, this.cancelSignal, options.rateLimit);
	}

	/**
	 * The credential for an item, handed to n8n's request helper, which then applies the credential
	 * type's `authenticate` without reading it again. A read is a database query and a decryption in
	 * n8n, and resolves the credential's expressions for that item: they can use anything an
	 * expression can (the item's data and index, other nodes' items, the time, $secrets...). So the
	 * first read is shared by every item only when it shows that no field is an expression (then
	 * nothing can differ); otherwise each item reads its own, once however many requests it makes.
	 * Contexts without items (the trigger, the editor's lookups) read once.
	 */
	async credentials(itemIndex = 0): Promise<OemCredential> {
		this.firstCredentialRead ??= this.credentialRead(itemIndex);
		// A failed first read says nothing about the other items: they read their own.
		const first = await this.firstCredentialRead.catch(() => undefined);
		if (first?.forEveryItem) return first.credential;
		return (await this.credentialRead(itemIndex)).credential;
	}

	/**
	 * Which server and account an item's requests go to, as a key: items with the same one may
	 * share answers and see each other's writes; items with different ones never do.
	 */
	async credentialKey(itemIndex = 0): Promise<string> {
		const { data } = await this.credentials(itemIndex);
		return JSON.stringify([data.baseUrl, oemAuthFields(data)]);
	}

	private async credentialRead(itemIndex: number): Promise<CredentialRead> {
		let read = this.credentialReads.get(itemIndex);
		if (!read) {
			read = this.ctx.getCredentials(CREDENTIAL_TYPE, itemIndex).then((data) => {
				const reference = this.ctx.getNode().credentials?.[CREDENTIAL_TYPE];
				return {
					credential: { id: reference?.id ?? '', name: reference?.name ?? '', type: CREDENTIAL_TYPE, data },
					forEveryItem: data[FIELDS_USE_EXPRESSIONS] === false,
				};
			});
			this.credentialReads.set(itemIndex, read);
		}
		return await read;
	}

	/** The answer of `key`, asked once per execution. */
	async shared<T>(key: string, ask: () => Promise<T>): Promise<T> {
		let answer = this.answers.get(key) as Promise<T> | undefined;
		if (!answer) this.answers.set(key, (answer = ask()));
		return await answer;
	}

	/**
	 * A node parameter for an item, as n8n's getNodeParameter gives it (defaults, resource locator
	 * values, type checks). n8n copies and resolves the parameter on every call; one that holds no
	 * expression anywhere (not even in a collection, a list entry or a mapped field) is the same for
	 * every item, so its first read serves them all. Expressions are resolved for each item. A read
	 * that fails is not kept: each item then reads, and fails, with its own index. The value is
	 * shared: callers must not change it. Only parameters the node holds, by top-level name, are
	 * kept (one it does not hold gives the caller's fallback, which may differ between callers).
	 */
	parameter<T>(
		this: OemExecution<IExecuteFunctions>,
		name: string,
		itemIndex: number,
		fallback: T,
		options?: { extractValue?: boolean },
	): T {
		const key = options?.extractValue ? `${name}.value` : name;
		if (this.parametersForEveryItem.has(key)) return this.parametersForEveryItem.get(key) as T;
		const value = this.ctx.getNodeParameter(name, itemIndex, fallback, options) as T;
		const raw = /^\w+$/.test(name) ? this.node.parameters[name] : undefined;
		if (raw !== undefined && !holdsExpression(raw)) this.parametersForEveryItem.set(key, value);
		return value;
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

/** Whether n8n resolves anything in a raw parameter value: it resolves every string in it that starts with "=". */
function holdsExpression(value: unknown): boolean {
	if (isExpression(value)) return true;
	return typeof value === 'object' && value !== null && Object.values(value).some(holdsExpression);
}
