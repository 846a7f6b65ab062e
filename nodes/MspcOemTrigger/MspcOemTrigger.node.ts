import type {
	IDataObject,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../credentials/MspcOemApi.credentials';
import { optionsProperty, organizationOemTokenProperty } from '../shared/descriptions';
import { listIntegrations, listVendors } from '../shared/lists';
import { checkedOrganizationToken, requestSettings } from '../shared/readers';
import type { Vendor } from '../shared/schemas/answers';
import { OemExecution } from '../shared/transport/execution';
import type { RequestSettings } from '../shared/transport/settings';
import { resolveBaseUrl } from '../shared/transport/url';
import { matchesFilters, vendorFiltersProperty, type VendorFilters } from '../shared/vendorFilter';
import { digest, READABLE_FORMATS, STATE_FORMAT, type TriggerState } from './state/codec';
import {
	INTEGRATION_EVENTS,
	VENDOR_EVENTS,
	isIntegrationEvent,
	isVendorEvent,
	type IntegrationEvent,
	type TriggerEvent,
	type VendorEvent,
} from './state/events';
import { integrationChanges, integrationItem, integrationState, rememberedIntegrations, removedItem } from './state/integrations';
import { rememberedVendors, vendorChanges, vendorItem, vendorState } from './state/vendors';

/** How many of the newest entries "Fetch Test Event" returns. */
const SAMPLE_SIZE = 3;

const requestOptions: INodeProperties = {
	...optionsProperty,
	options: (optionsProperty.options ?? []).filter((option) => option.name !== 'concurrency' && option.name !== 'rateLimit'),
};

/** One poll's requests: its own credential read and pace (n8n keeps one poll context for every poll). */
type PollExecution = OemExecution<IPollFunctions>;

function namesOf(vendors: Vendor[]): Map<string, string> {
	const names = new Map<string, string>();
	for (const vendor of vendors) if (!names.has(vendor.id)) names.set(vendor.id, vendor.name);
	return names;
}

function readToken(ctx: IPollFunctions): string {
	return checkedOrganizationToken(
		ctx.getNodeParameter('organizationOemToken', ''),
		ctx.getNode(),
		"The integration events watch one organization: set it to that organization's organizationOemToken (returned when the organization was created). Nothing was sent.",
	);
}

function readEvent(ctx: IPollFunctions): TriggerEvent {
	const event = ctx.getNodeParameter('event', '') as string;
	if (isVendorEvent(event) || isIntegrationEvent(event)) return event;
	throw new NodeOperationError(ctx.getNode(), `The 'Event' parameter has an unknown value: ${JSON.stringify(String(event).slice(0, 40))}`, {
		description: `Pick one of: ${[...VENDOR_EVENTS, ...INTEGRATION_EVENTS].join(', ')}. Nothing was sent.`,
	});
}

/**
 * A digest of what the remembered lists describe: the event family, the API (Base URL and
 * Client ID) and, for integration events, the organization. Never the token itself.
 */
async function sourceOf(execution: PollExecution, family: string, token?: string): Promise<string> {
	const { data: credentials } = await execution.credentials();
	const baseUrl = resolveBaseUrl(execution.ctx.getNode(), credentials.baseUrl);
	return digest(JSON.stringify([family, baseUrl, String(credentials.clientId ?? ''), token ?? '']));
}

/** Whether the stored state is of a readable format and describes these lists. */
const describes = (state: TriggerState, source: string) =>
	typeof state.format === 'number' && READABLE_FORMATS.includes(state.format) && state.source === source;

/** The poll's number; a poll whose answer is older than the remembered one is dropped. */
function takeTicket(state: TriggerState): number {
	const last = Math.max(Number(state.ticket) || 0, Number(state.committed) || 0);
	state.ticket = last + 1;
	return state.ticket;
}

/**
 * Call as soon as a poll's list has arrived; the returned test says whether the poll must be
 * dropped instead of comparing and committing: when a later-started poll's answer is remembered,
 * or when another poll committed after this list arrived (while this poll waited for vendor
 * names), since that poll's list may be the newer one. A dropped poll emits nothing and loses no
 * change: the next poll compares with what is remembered.
 */
function stalenessTest(state: TriggerState, ticket: number): () => boolean {
	const remembered = state.committed;
	return () => state.committed !== remembered || (typeof state.committed === 'number' && ticket < state.committed);
}

/** Replaces the remembered state in one synchronous step (every successful poll does). */
function commit(state: TriggerState, next: TriggerState): void {
	for (const key of ['profiles', 'width', 'vendors', 'nameFilter', 'integrations', 'keySets'] as const) {
		if (!(key in next) && key in state) delete state[key];
	}
	Object.assign(state, next);
}

function output(ctx: IPollFunctions, items: IDataObject[]): INodeExecutionData[][] | null {
	return items.length > 0 ? [ctx.helpers.returnJsonArray(items)] : null;
}

async function pollVendors(
	execution: PollExecution,
	event: VendorEvent,
	settings: RequestSettings,
): Promise<INodeExecutionData[][] | null> {
	const { ctx } = execution;
	const filters = ctx.getNodeParameter('filters', {}) as VendorFilters;
	if (ctx.getMode() === 'manual') {
		const vendors = await listVendors(execution, { settings });
		const matching = vendors.filter((v) => matchesFilters(filters, v.name, v.integrationStatus, v.integrationType));
		const newest = matching.slice(-SAMPLE_SIZE).reverse();
		return output(ctx, newest.map((vendor) => vendorItem(event, vendor, event === 'vendorChanged' ? {} : undefined)));
	}
	const state = ctx.getWorkflowStaticData('node') as TriggerState;
	const ticket = takeTicket(state);
	const source = await sourceOf(execution, 'vendor');
	const vendors = await listVendors(execution, { settings });
	const isStale = stalenessTest(state, ticket);
	// From here on nothing awaits: reading, comparing and replacing the state is one step, so an
	// overlapping poll sees either all of it or none of it.
	if (isStale()) return null;
	const known = describes(state, source) ? rememberedVendors(state, filters) : undefined;
	const items = known ? vendorChanges(event, known, vendors, filters) : [];
	commit(state, { format: STATE_FORMAT, source, ticket: state.ticket, committed: ticket, ...vendorState(vendors, filters, known) });
	return output(ctx, items);
}

async function pollIntegrations(
	execution: PollExecution,
	event: IntegrationEvent,
	settings: RequestSettings,
): Promise<INodeExecutionData[][] | null> {
	const { ctx } = execution;
	const token = readToken(ctx);
	if (ctx.getMode() === 'manual') {
		const integrations = await listIntegrations(execution, token, { settings });
		const names = namesOf(await listVendors(execution, { settings }));
		const newest = integrations.slice(-SAMPLE_SIZE).reverse();
		return output(
			ctx,
			newest.map((integration) => {
				const name = names.get(integration.vendorId) ?? null;
				if (event === 'integrationRemoved') {
					const keys = Object.keys(integration.integrationCredentialTemplate);
					return removedItem(integration.id, { vendorId: integration.vendorId, vendorName: name, credentialKeys: keys }, name);
				}
				return integrationItem(event, integration, name, event === 'integrationChanged' ? {} : undefined);
			}),
		);
	}
	const state = ctx.getWorkflowStaticData('node') as TriggerState;
	const ticket = takeTicket(state);
	const source = await sourceOf(execution, 'integration', token);
	const integrations = await listIntegrations(execution, token, { settings });
	const isStale = stalenessTest(state, ticket);
	let names: Map<string, string> | undefined;
	for (;;) {
		// Nothing awaits between reading and replacing the state (see pollVendors). The vendor list,
		// for names, is only read for a baseline, items to emit, or integrations not known yet (whose
		// names are remembered for a later Integration Removed item).
		if (isStale()) return null;
		const known = describes(state, source) ? rememberedIntegrations(state) : undefined;
		const items = known ? integrationChanges(event, known, integrations, names ?? new Map()) : [];
		if (!names && (!known || items.length > 0 || integrations.some((integration) => !known.has(integration.id)))) {
			names = namesOf(await listVendors(execution, { settings }));
			continue;
		}
		commit(state, {
			format: STATE_FORMAT,
			source,
			ticket: state.ticket,
			committed: ticket,
			...integrationState(integrations, known, names),
		});
		return output(ctx, items);
	}
}

export class MspcOemTrigger implements INodeType {
	description: INodeTypeDescription = {
		// not "MSPC OEM Trigger": n8n's node creator drops " Trigger" from a trigger's name, and
		// two entries would both read "MSPC OEM"
		displayName: 'MSPC OEM Events Trigger',
		// not "oemIntegrationTrigger": n8n merges a trigger named <node>Trigger into that node's
		// entry and shows the trigger's description above the node's actions
		name: 'mspcOemTrigger',
		icon: { light: 'file:oemIntegrationTrigger.svg', dark: 'file:oemIntegrationTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description:
			"Starts the workflow when MSPCentric's vendor catalogue or an organization's integrations change (checked by polling)",
		defaults: { name: 'MSPC OEM Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				// n8n's trigger panel promises "a single mock event"; this trigger behaves otherwise
				displayName: `The first activation records a starting snapshot and reports nothing; after that each poll, also the one at a re-activation, reports what changed since the last state n8n saved. Fetch Test Event returns existing entries (the newest ${SAMPLE_SIZE}) shaped like this event's items, and changes nothing the trigger remembers.`,
				name: 'firstPollNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Integration Added',
						value: 'integrationAdded',
						description: 'The organization has an integration it did not have at the previous check',
					},
					{
						name: 'Integration Changed',
						value: 'integrationChanged',
						description: "The set of credential keys of one of the organization's integrations changed since the previous check",
					},
					{
						name: 'Integration Removed',
						value: 'integrationRemoved',
						description: 'An integration the organization had at the previous check is gone',
					},
					{
						name: 'Vendor Added',
						value: 'vendorAdded',
						description: 'A vendor appears in Vendor: List (with the filters below) that was not there at the previous check',
					},
					{
						name: 'Vendor Changed',
						value: 'vendorChanged',
						description: "A known vendor's integration status, integration type or set of credential keys changed since the previous check",
					},
				],
				default: 'vendorAdded',
			},
			{
				...organizationOemTokenProperty,
				description:
					"The OEM token of the organization whose integrations to watch. Prefer an expression that reads it from where you store it, so it is not saved in the workflow. It is never kept in the trigger's memory.",
				displayOptions: { show: { event: INTEGRATION_EVENTS } },
			},
			{ ...vendorFiltersProperty, displayOptions: { show: { event: VENDOR_EVENTS } } },
			requestOptions,
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = readEvent(this);
		const settings = requestSettings(this.getNodeParameter('options', {}) as Partial<RequestSettings>);
		const execution = new OemExecution(this);
		return isVendorEvent(event)
			? await pollVendors(execution, event, settings)
			: await pollIntegrations(execution, event, settings);
	}
}
