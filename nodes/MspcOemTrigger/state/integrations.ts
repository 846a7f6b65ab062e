/** The integration events' part of the state: how one organization's integrations are remembered and compared. */
import type { IDataObject } from 'n8n-workflow';

import { withTemplate } from '../../shared/listItems';
import type { Integration } from '../../shared/schemas/answers';
import type { KnownIntegration, TriggerState } from './codec';
import type { IntegrationEvent } from './events';
import { KeySetTable, keyChange, keysOf, sameKeys, storedKeySets } from './keySets';

interface IntegrationSnapshot {
	vendorId: string;
	vendorName: string | null;
	credentialKeys: string[];
}

/** The remembered integrations by id, or undefined when the state holds none (or is damaged). */
export function rememberedIntegrations(state: TriggerState): Map<string, IntegrationSnapshot> | undefined {
	const keySets = storedKeySets(state);
	if (!Array.isArray(state.integrations) || !keySets) return undefined;
	const known = new Map<string, IntegrationSnapshot>();
	for (const entry of state.integrations) {
		if (!Array.isArray(entry) || entry.length !== 4) return undefined;
		const [id, vendorId, vendorName, keys] = entry;
		if (typeof id !== 'string' || typeof vendorId !== 'string' || typeof keys !== 'number' || !keySets[keys]) {
			return undefined;
		}
		known.set(id, { vendorId, vendorName: typeof vendorName === 'string' ? vendorName : null, credentialKeys: keySets[keys] });
	}
	return known;
}

/**
 * The integration part of the state. A vendor name comes from the vendor list when it was
 * fetched, else from what was remembered.
 */
export function integrationState(
	integrations: Integration[],
	known: Map<string, IntegrationSnapshot> | undefined,
	vendorNames: Map<string, string> | undefined,
): Pick<TriggerState, 'keySets' | 'integrations'> {
	const keySets = new KeySetTable();
	const seen = new Set<string>();
	const entries: KnownIntegration[] = [];
	for (const integration of integrations) {
		if (seen.has(integration.id)) continue;
		seen.add(integration.id);
		const name = vendorNames?.get(integration.vendorId) ?? known?.get(integration.id)?.vendorName ?? null;
		entries.push([
			integration.id,
			integration.vendorId,
			name,
			keySets.add(keysOf(integration.integrationCredentialTemplate, known?.get(integration.id)?.credentialKeys)),
		]);
	}
	return { keySets: keySets.sets, integrations: entries };
}

/** An integration as Integration: List gives it, with the event first and the vendor's name. */
export function integrationItem(
	event: IntegrationEvent,
	integration: Integration,
	vendorName: string | null,
	changes?: IDataObject,
): IDataObject {
	return { event, ...withTemplate(integration), vendorName, ...(changes ? { changes } : {}) };
}

/** What is left of a removed integration: its last known id, vendor and credential keys. */
export function removedItem(id: string, before: IntegrationSnapshot, vendorName: string | null): IDataObject {
	return {
		event: 'integrationRemoved',
		id,
		vendorId: before.vendorId,
		vendorName,
		credentialKeys: before.credentialKeys,
	};
}

/** The items of one integration event between the remembered integrations and the current ones. */
export function integrationChanges(
	event: IntegrationEvent,
	known: Map<string, IntegrationSnapshot>,
	integrations: Integration[],
	vendorNames: Map<string, string>,
): IDataObject[] {
	const items: IDataObject[] = [];
	const current = new Map<string, Integration>();
	for (const integration of integrations) if (!current.has(integration.id)) current.set(integration.id, integration);
	if (event === 'integrationRemoved') {
		for (const [id, before] of known) {
			if (!current.has(id)) items.push(removedItem(id, before, vendorNames.get(before.vendorId) ?? before.vendorName));
		}
		return items;
	}
	for (const integration of current.values()) {
		const before = known.get(integration.id);
		const name = vendorNames.get(integration.vendorId) ?? before?.vendorName ?? null;
		if (event === 'integrationAdded' && !before) items.push(integrationItem(event, integration, name));
		if (event === 'integrationChanged' && before) {
			const keys = keysOf(integration.integrationCredentialTemplate, before.credentialKeys);
			if (!sameKeys(before.credentialKeys, keys)) {
				items.push(integrationItem(event, integration, name, { credentialKeys: keyChange(before.credentialKeys, keys) }));
			}
		}
	}
	return items;
}
