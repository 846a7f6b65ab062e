/**
 * The keys an integration stores, and the rule every update keeps: an update replaces all stored
 * values, so it must not drop or blank a stored key unless the user allowed it.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { listIntegrations } from '../../../shared/lists';
import { type Integration } from '../../../shared/schemas/answers';
import { templateKeys, type CredentialMap } from '../../../shared/schemas/templates';
import type { OemExecution } from '../../../shared/transport/execution';
import type { PreviousWrite } from '../../../shared/transport/writeOrder';
import { readOptions } from '../readers';
import { isBlank, shownKey } from './credentialValues';

/** An integration as this execution last knew it. */
export interface StoredIntegration {
	id: string;
	vendorId: string;
	/** External integrations are set up by the vendor and hold no credentials. */
	external: boolean;
	/** Undefined when Integration: List did not say which keys it stores. */
	keys: string[] | undefined;
}

/** A write to one integration: what its item outputs, and what the integration stores after it. */
export interface IntegrationWrite {
	output: IDataObject;
	stored: StoredIntegration;
}

/** The integration after a write that sent `credentials`. */
export const afterWrite = (integration: StoredIntegration, credentials: CredentialMap): StoredIntegration => ({
	...integration,
	keys: Object.keys(credentials),
});

/**
 * The integration as this execution knows it: what an earlier write to it stored or, before any
 * write, Integration: List's answer shared by the execution's items (one list per token). After
 * an earlier write that failed (it may have been carried out or not), a fresh list.
 */
export async function currentIntegration(
	execution: OemExecution<IExecuteFunctions>,
	itemIndex: number,
	organizationOemToken: string,
	previous: PreviousWrite<IntegrationWrite>,
	isIt: (entry: Integration) => boolean,
): Promise<StoredIntegration | undefined> {
	if (previous.outcome === 'done') return previous.result.stored;
	return await listedIntegration(execution, itemIndex, organizationOemToken, { fresh: previous.outcome === 'failed' }, isIt);
}

/** The integration as Integration: List shows it: the execution's shared answer, or a fresh one. */
export async function listedIntegration(
	execution: OemExecution<IExecuteFunctions>,
	itemIndex: number,
	organizationOemToken: string,
	{ fresh }: { fresh: boolean },
	isIt: (entry: Integration) => boolean,
): Promise<StoredIntegration | undefined> {
	const settings = readOptions(execution, itemIndex);
	const integrations = await listIntegrations(execution, organizationOemToken, { itemIndex, settings, shared: !fresh });
	const entry = integrations.find(isIt);
	if (!entry) return undefined;
	return {
		id: entry.id,
		vendorId: entry.vendorId,
		external: entry.integrationKind === 'external',
		keys: templateKeys(entry.integrationCredentialTemplate),
	};
}

/**
 * Fails the item, before anything is sent, when the integration is external: it is set up
 * through the vendor and has no stored credentials to replace. `whatToDo` ends with a full stop.
 */
export function refuseExternal(ctx: IExecuteFunctions, itemIndex: number, integration: StoredIntegration, whatToDo: string): void {
	if (!integration.external) return;
	throw new NodeOperationError(ctx.getNode(), 'Could not update the integration: it is an external integration, which has no stored credentials to replace', {
		itemIndex,
		description: `External integrations are set up through the vendor, not with credentials. ${whatToDo} Nothing was sent.`,
	});
}

/** Whether the user allowed updates to drop or blank stored keys (saved as Remove Blank Fields, its earlier name). */
export const removalAllowed = (execution: OemExecution<IExecuteFunctions>, itemIndex: number) =>
	execution.parameter<unknown>('removeBlankFields', itemIndex, false) === true;

/** Case, spaces and Unicode forms aside: only to point out a near miss, never to match. */
const looseForm = (key: string) => key.normalize('NFKC').toLowerCase().replace(/\s+/g, '');

const MAX_NAMED = 10;

/**
 * Fails the item, before anything is sent, when sending `credentials` would drop a stored key
 * or replace its value with a blank one, or when the stored keys are not known. Keys match
 * exactly: they are data.
 */
export function keepStoredKeys(
	ctx: IExecuteFunctions,
	itemIndex: number,
	storedKeys: string[] | undefined,
	credentials: CredentialMap,
	alternative = '',
): void {
	if (storedKeys === undefined) {
		throw new NodeOperationError(ctx.getNode(), 'Could not update the integration: Integration: List does not show which credential keys it stores', {
			itemIndex,
			description:
				"The integration's integrationCredentialTemplate in Integration: List is missing or of a shape the node cannot read, so the update could delete stored keys unseen. " +
				`Turn on Allow Removing Stored Keys to send it anyway (it replaces all stored values with the ones given).${alternative} Nothing was sent.`,
		});
	}
	const given = (key: string) => Object.prototype.hasOwnProperty.call(credentials, key);
	const lost = storedKeys.filter((key) => !given(key) || isBlank(credentials[key]));
	if (lost.length === 0) return;
	const unmatched = Object.keys(credentials).filter((key) => !storedKeys.includes(key));
	const named = lost.slice(0, MAX_NAMED).map((key) => {
		if (given(key)) return `${shownKey(key)} (given blank)`;
		const nearMiss = unmatched.find((other) => looseForm(other) === looseForm(key));
		return nearMiss === undefined ? shownKey(key) : `${shownKey(key)} (given as ${shownKey(nearMiss)})`;
	});
	const more = lost.length > MAX_NAMED ? ` and ${lost.length - MAX_NAMED} more` : '';
	const one = lost.length === 1;
	throw new NodeOperationError(
		ctx.getNode(),
		`The update for item ${itemIndex} would delete ${one ? 'the stored credential key' : `${lost.length} stored credential keys:`} ${named.join(', ')}${more}`,
		{
			itemIndex,
			description:
				`An update replaces all of the integration's stored credential values, so a stored key that is not given, or given blank (empty or only spaces), loses its value. ` +
				`Give ${one ? 'it' : 'each'} a value (keys must match exactly, case and spaces included; Integration: List shows the stored keys), ` +
				`or turn on Allow Removing Stored Keys if you mean to delete ${one ? 'it' : 'them'}.${alternative} Nothing was sent.`,
		},
	);
}
