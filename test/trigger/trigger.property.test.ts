/**
 * The trigger's promise as a property: for random sequences of catalogue and integration
 * changes, polls, failed polls, overlapping polls, restarts and extra saves:
 *  - a trigger n8n never restarts emits every watched change between consecutive successful
 *    polls exactly once (an answer to a poll that started before the one whose answer is
 *    remembered is dropped);
 *  - a trigger n8n restarts emits exactly that, except that at a restart its memory reverts to
 *    what n8n last saved (after a poll that emits and after the poll at activation: n8n 2.8.4,
 *    1.123.50, 2.41.1), which is the documented limit (README, Trigger).
 *
 * Both triggers poll the sandbox in-process (test/helpers/poll.ts) at the same moments; each
 * must emit, poll for poll, what a small model emits.
 *
 * Bounded: about 12 seconds of cases (`TRIGGER_PROPERTY_MS`); a failure prints fast-check's seed
 * and shrunk case (rerun one with `TRIGGER_PROPERTY_SEED`). Each failing case found is kept as a
 * plain test in test/node/trigger.test.ts.
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { N8nPoller } from '../helpers/poll';
import { useSandbox } from '../helpers/useSandbox';

const env = useSandbox();

const TIME_LIMIT_MS = Number(process.env.TRIGGER_PROPERTY_MS ?? 12_000);
const SEED = process.env.TRIGGER_PROPERTY_SEED === undefined ? undefined : Number(process.env.TRIGGER_PROPERTY_SEED);

// ---------------------------------------------------------------------------------------------
// the generated cases

const NAMES = ['Cloud Backup', 'Backup Vault', 'Store', 'RMM Tool', 'Archive'];
const STATUSES = ['active', 'pending', 'inactive'];
const TYPES = ['custom_hosted', 'external'];
const KEYS = fc.subarray(['api key', 'region', 'tenant id']);

type Change =
	| { kind: 'addVendor'; name: string; integrationStatus: string; integrationType: string; credentialKeys: string[] }
	| { kind: 'readdVendor'; pick: number; integrationStatus: string }
	| { kind: 'patchVendor'; pick: number; patch: { name?: string; integrationStatus?: string; integrationType?: string; credentialKeys?: string[] } }
	| { kind: 'removeVendor'; pick: number }
	| { kind: 'addIntegration'; pick: number; keys: string[] }
	| { kind: 'updateIntegration'; pick: number; keys: string[] }
	| { kind: 'removeIntegration'; pick: number };

type Command =
	| Change
	| { kind: 'poll' }
	| { kind: 'failedPoll'; fault: 'status' | 'rateLimit' | 'reset' }
	| { kind: 'overlap'; first: Change; second?: Change }
	| { kind: 'restart' }
	| { kind: 'save' };

const pick = fc.nat(50);
const change: fc.Arbitrary<Change> = fc.oneof(
	fc.record({
		kind: fc.constant('addVendor' as const),
		name: fc.constantFrom(...NAMES),
		integrationStatus: fc.constantFrom(...STATUSES),
		integrationType: fc.constantFrom(...TYPES),
		credentialKeys: KEYS,
	}),
	fc.record({ kind: fc.constant('readdVendor' as const), pick, integrationStatus: fc.constantFrom(...STATUSES) }),
	fc.record({
		kind: fc.constant('patchVendor' as const),
		pick,
		patch: fc.record(
			{
				name: fc.constantFrom(...NAMES),
				integrationStatus: fc.constantFrom(...STATUSES),
				integrationType: fc.constantFrom(...TYPES),
				credentialKeys: KEYS,
			},
			{ requiredKeys: [] },
		),
	}),
	fc.record({ kind: fc.constant('removeVendor' as const), pick }),
	fc.record({ kind: fc.constant('addIntegration' as const), pick, keys: KEYS }),
	fc.record({ kind: fc.constant('updateIntegration' as const), pick, keys: KEYS }),
	fc.record({ kind: fc.constant('removeIntegration' as const), pick }),
);

const command: fc.Arbitrary<Command> = fc.oneof(
	{ arbitrary: change, weight: 6 },
	{ arbitrary: fc.constant({ kind: 'poll' as const }), weight: 4 },
	{ arbitrary: fc.record({ kind: fc.constant('failedPoll' as const), fault: fc.constantFrom('status' as const, 'rateLimit' as const, 'reset' as const) }), weight: 1 },
	{ arbitrary: fc.record({ kind: fc.constant('overlap' as const), first: change, second: fc.option(change, { nil: undefined }) }, { requiredKeys: ['kind', 'first'] }), weight: 1 },
	{ arbitrary: fc.constant({ kind: 'restart' as const }), weight: 2 },
	{ arbitrary: fc.constant({ kind: 'save' as const }), weight: 1 },
);

interface Watch {
	event: string;
	filters?: { integrationStatus?: string; integrationType?: string; nameContains?: string };
}

const watch: fc.Arbitrary<Watch> = fc.oneof(
	fc.record({
		event: fc.constantFrom('vendorAdded', 'vendorChanged'),
		filters: fc.record(
			{ integrationStatus: fc.constantFrom(...STATUSES), integrationType: fc.constantFrom(...TYPES), nameContains: fc.constantFrom('backup', ' VAULT ', 'r') },
			{ requiredKeys: [] },
		),
	}),
	fc.record({ event: fc.constantFrom('integrationAdded', 'integrationRemoved', 'integrationChanged') }),
);

// ---------------------------------------------------------------------------------------------
// the model

interface Snapshot {
	vendors: Map<string, { name: string; integrationStatus: string | null; integrationType: string | null; keys: string[] }>;
	integrations: Map<string, { keys: string[] }>;
}

function snapshot(organizationId: string): Snapshot {
	const state = env.sandbox.state();
	return {
		vendors: new Map(
			state.vendors.map((v) => [
				v.id,
				{ name: v.name, integrationStatus: v.integrationStatus ?? null, integrationType: v.integrationType ?? null, keys: Object.keys(v.integrationCredentialTemplate) },
			]),
		),
		integrations: new Map(
			state.integrations.filter((i) => i.organizationId === organizationId).map((i) => [i.id, { keys: Object.keys(i.credentials) }]),
		),
	};
}

const sorted = (keys: unknown) => [...(keys as string[])].sort();
const sameKeys = (a: string[], b: string[]) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
const keyChange = (before: string[], after: string[]) => ({
	before: sorted(before),
	after: sorted(after),
	added: sorted(after.filter((k) => !before.includes(k))),
	removed: sorted(before.filter((k) => !after.includes(k))),
});

/** An emitted item as compared: event, id, credential keys and changes (key lists sorted). */
function summary(item: IDataObject): string {
	const changes = item.changes as IDataObject | undefined;
	const keys = changes?.credentialKeys as IDataObject | undefined;
	const normalized = keys ? { ...changes, credentialKeys: keyChange(keys.before as string[], keys.after as string[]) } : changes;
	return JSON.stringify([item.event, item.id, sorted(item.credentialKeys), normalized ?? null]);
}

function matches(filters: Watch['filters'] = {}, v: { name: string; integrationStatus: string | null; integrationType: string | null }) {
	const name = filters.nameContains?.trim().toLowerCase();
	return (
		(!filters.integrationStatus || v.integrationStatus === filters.integrationStatus) &&
		(!filters.integrationType || v.integrationType === filters.integrationType) &&
		(!name || v.name.toLowerCase().includes(name))
	);
}

/** What the documented events are between the lists of the last execution and the current ones. */
function events({ event, filters }: Watch, then: Snapshot, now: Snapshot): string[] {
	const out: IDataObject[] = [];
	if (event === 'vendorAdded' || event === 'vendorChanged') {
		for (const [id, v] of now.vendors) {
			const before = then.vendors.get(id);
			const was = before !== undefined && matches(filters, before);
			if (event === 'vendorAdded') {
				if (matches(filters, v) && !was) out.push({ event, id, credentialKeys: v.keys });
				continue;
			}
			if (!before || !(was || matches(filters, v))) continue;
			const changes: IDataObject = {};
			if (v.integrationStatus !== before.integrationStatus) changes.integrationStatus = { before: before.integrationStatus, after: v.integrationStatus };
			if (v.integrationType !== before.integrationType) changes.integrationType = { before: before.integrationType, after: v.integrationType };
			if (!sameKeys(v.keys, before.keys)) changes.credentialKeys = keyChange(before.keys, v.keys);
			if (Object.keys(changes).length) out.push({ event, id, credentialKeys: v.keys, changes });
		}
	} else if (event === 'integrationRemoved') {
		for (const [id, i] of then.integrations) if (!now.integrations.has(id)) out.push({ event, id, credentialKeys: i.keys });
	} else {
		for (const [id, i] of now.integrations) {
			const before = then.integrations.get(id);
			if (event === 'integrationAdded' && !before) out.push({ event, id, credentialKeys: i.keys });
			if (event === 'integrationChanged' && before && !sameKeys(before.keys, i.keys)) {
				out.push({ event, id, credentialKeys: i.keys, changes: { credentialKeys: keyChange(before.keys, i.keys) } });
			}
		}
	}
	return out.map(summary);
}

interface Memory {
	reference?: Snapshot;
	ticket: number;
	committed: number;
}

/** The documented behaviour: each successful poll compares with the previous one; n8n's saves and restarts. */
class Model {
	private memory: Memory = { ticket: 0, committed: 0 };
	private saved: Memory = { ticket: 0, committed: 0 };
	private activating = true;

	constructor(private readonly watched: Watch) {}

	start(): number {
		return ++this.memory.ticket;
	}

	finish(ticket: number, now: Snapshot): string[] {
		const activation = this.activating;
		this.activating = false;
		const memory = this.memory;
		let items: string[] = [];
		if (ticket >= memory.committed) {
			items = memory.reference ? events(this.watched, memory.reference, now) : [];
			memory.reference = now;
			memory.committed = ticket;
		}
		if (activation || items.length > 0) this.save();
		return items;
	}

	save(): void {
		this.saved = { ...this.memory };
	}

	restart(): void {
		this.memory = { ...this.saved };
		this.activating = true;
	}
}

// ---------------------------------------------------------------------------------------------
// running a case against the sandbox

async function admin(method: string, path: string, body?: unknown) {
	const res = await fetch(`${env.sandbox.url}/__admin${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
	if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${await res.text()}`);
}

const at = <T>(list: T[], index: number): T | undefined => (list.length ? list[index % list.length] : undefined);

class Run {
	private added = 0;
	private readonly removedVendors: string[] = [];

	constructor(
		private readonly token: string,
		private readonly organizationId: string,
	) {}

	/** Applies a change through the admin routes (or the API, for an integration's keys); a change with nothing to act on is skipped. */
	async apply(c: Change): Promise<void> {
		const state = env.sandbox.state();
		const integrations = state.integrations.filter((i) => i.organizationId === this.organizationId);
		switch (c.kind) {
			case 'addVendor':
				return await admin('POST', '/vendors', { id: `p-vendor-${this.added++}`, name: c.name, integrationStatus: c.integrationStatus, integrationType: c.integrationType, credentialKeys: c.credentialKeys });
			case 'readdVendor': {
				const id = at(this.removedVendors, c.pick);
				if (!id || state.vendors.some((v) => v.id === id)) return;
				return await admin('POST', '/vendors', { id, name: NAMES[c.pick % NAMES.length], integrationStatus: c.integrationStatus });
			}
			case 'patchVendor': {
				const vendor = at(state.vendors, c.pick);
				if (vendor) await admin('PATCH', `/vendors/${encodeURIComponent(vendor.id)}`, c.patch);
				return;
			}
			case 'removeVendor': {
				const vendor = at(state.vendors, c.pick);
				if (!vendor) return;
				this.removedVendors.push(vendor.id);
				return await admin('DELETE', `/vendors/${encodeURIComponent(vendor.id)}`);
			}
			case 'addIntegration': {
				const free = state.vendors.filter((v) => !integrations.some((i) => i.vendorId === v.id));
				const vendor = at(free, c.pick);
				if (!vendor) return;
				const values = Object.fromEntries(c.keys.map((k) => [k, `value-${k}`]));
				return await admin('POST', '/integrations', { organizationOemToken: this.token, vendorId: vendor.id, integrationCredentials: values });
			}
			case 'updateIntegration': {
				const integration = at(integrations, c.pick);
				if (!integration) return;
				const res = await fetch(`${env.sandbox.url}/api/oem-api/integration/${encodeURIComponent(integration.id)}`, {
					method: 'PATCH',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({
						...env.sandbox.credentials,
						grantType: 'client_credentials',
						organizationOemToken: this.token,
						data: { integrationCredentials: Object.fromEntries(c.keys.map((k) => [k, `new-${k}`])) },
					}),
				});
				if (res.status !== 200) throw new Error(`integration update → ${res.status}`);
				return;
			}
			case 'removeIntegration': {
				const integration = at(integrations, c.pick);
				if (integration) await admin('DELETE', `/integrations/${encodeURIComponent(integration.id)}`);
				return;
			}
		}
	}

	snapshot(): Snapshot {
		return snapshot(this.organizationId);
	}
}

const summaries = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => summary(item.json));

/** Runs one case; returns, per poll, what the model, the steady trigger and the restarted one emitted. */
async function runCase(watched: Watch, commands: Command[]) {
	env.sandbox.reset();
	const { organizationOemToken: token, organizationId } = env.sandbox.createOrganization({ name: 'Property MSP', email: 'owner@property.example' });
	const run = new Run(token, organizationId);
	const parameters: INodeParameters = {
		event: watched.event,
		...(watched.filters ? { filters: watched.filters } : {}),
		...(watched.event.startsWith('integration') ? { organizationOemToken: token } : {}),
		options: { maxRetries: 0 },
	};
	const steady = new N8nPoller(env.credentials, parameters);
	const restarted = new N8nPoller(env.credentials, parameters);
	const models = { steady: new Model(watched), restarted: new Model(watched) };
	const emitted = { steadyModel: [] as string[][], restartedModel: [] as string[][], steady: [] as string[][], restarted: [] as string[][] };
	const listPath = watched.event.startsWith('integration') ? '/api/oem-api/integration/list' : '/api/oem-api/vendor';

	const poll = async () => {
		const now = run.snapshot();
		emitted.steadyModel.push(models.steady.finish(models.steady.start(), now));
		emitted.restartedModel.push(models.restarted.finish(models.restarted.start(), now));
		emitted.steady.push(summaries(await steady.poll()));
		emitted.restarted.push(summaries(await restarted.poll()));
	};

	for (const c of [{ kind: 'poll' } as Command, ...commands, { kind: 'poll' } as Command]) {
		switch (c.kind) {
			case 'poll':
				await poll();
				break;
			case 'failedPoll': {
				models.steady.start();
				models.restarted.start();
				const fault = c.fault === 'reset' ? { action: 'reset' as const } : c.fault === 'rateLimit' ? { status: 429, headers: { 'retry-after': '0' } } : { status: 503 };
				env.sandbox.injectNext({ path: listPath, times: 2, ...fault });
				await expect(steady.poll()).rejects.toThrow();
				await expect(restarted.poll()).rejects.toThrow();
				break;
			}
			case 'overlap': {
				// the early poll takes its number, then waits before its first request
				if (restarted.activating) await poll();
				let release!: () => void;
				const gate = new Promise<void>((resolve) => (release = resolve));
				const earlyTickets = { steady: models.steady.start(), restarted: models.restarted.start() };
				const early = [steady.poll({ gate }), restarted.poll({ gate })];
				await run.apply(c.first);
				await poll();
				if (c.second) await run.apply(c.second);
				const now = run.snapshot();
				release();
				const [fromSteady, fromRestarted] = await Promise.all(early);
				emitted.steadyModel.push(models.steady.finish(earlyTickets.steady, now));
				emitted.restartedModel.push(models.restarted.finish(earlyTickets.restarted, now));
				emitted.steady.push(summaries(fromSteady));
				emitted.restarted.push(summaries(fromRestarted));
				break;
			}
			case 'restart':
				restarted.restart();
				models.restarted.restart();
				break;
			case 'save':
				restarted.save();
				models.restarted.save();
				break;
			default:
				await run.apply(c);
		}
	}
	return emitted;
}

describe('every watched change between consecutive polls is emitted exactly once; a restart reverts to the last save (property)', () => {
	it('random changes, polls, failed and overlapping polls, restarts and saves', async () => {
		let cases = 0;
		await fc.assert(
			fc.asyncProperty(watch, fc.array(command, { minLength: 1, maxLength: 24 }), async (watched, commands) => {
				cases++;
				const emitted = await runCase(watched, commands);
				expect(emitted.steady).toEqual(emitted.steadyModel);
				expect(emitted.restarted).toEqual(emitted.restartedModel);
			}),
			{ interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false, numRuns: 10_000, seed: SEED },
		);
		console.log(`trigger property: ${cases} cases in ${TIME_LIMIT_MS} ms`);
		expect(cases).toBeGreaterThan(10);
	}, TIME_LIMIT_MS + 15_000);
});
