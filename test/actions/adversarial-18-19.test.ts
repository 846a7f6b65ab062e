/**
 * Found by the adversarial pass of issues 18/19: edits of an active Vendor Added workflow keep
 * what changed before them, the lean Vendor: List path does not share objects between items, the
 * mapper names a vendor ID it cannot find, and the trigger's notice matches what activation does.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { MspcOemTrigger } from '../../nodes/MspcOemTrigger/MspcOemTrigger.node';
import { getCredentialFields } from '../../nodes/OemIntegration/methods/resourceMapping';
import { N8nPoller } from '../helpers/poll';
import { useSandbox } from '../helpers/useSandbox';
import { loadOptionsContext, runNode } from '../helpers/workflow';

const env = useSandbox();

async function admin(method: string, path: string, body?: unknown) {
	const res = await fetch(`${env.sandbox.url}/__admin${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
	const json = (await res.json()) as IDataObject;
	if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
	return json;
}
const addVendor = (vendor: { id?: string; name: string; integrationStatus?: string; integrationType?: string; credentialKeys?: string[] }) =>
	admin('POST', '/vendors', vendor);
const ids = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => String(item.json.id));

describe('adversary: Vendor: List lean path', () => {
	it('output items of two input items do not share one template object', async () => {
		const { output } = await runNode({
			credentials: env.credentials,
			parameters: { resource: 'vendor', operation: 'list', returnAll: true },
			items: [{}, {}],
		});
		const half = output.length / 2;
		expect(half).toBeGreaterThan(0);
		const first = output[0].json.integrationCredentialTemplate as IDataObject;
		const twin = output[half].json.integrationCredentialTemplate as IDataObject;
		expect(output[half].json.id).toBe(output[0].json.id);
		// a later node that edits item 0's template (a Code node run in-process) must not edit item N's
		first['added by a later node'] = 'x';
		expect(twin).not.toHaveProperty(['added by a later node']);
	});
});

describe('adversary: resource mapper', () => {
	it('a vendor ID that is not in the catalogue is not called "a vendor with no credential template"', async () => {
		const ctx = loadOptionsContext(env.credentials, {
			resource: 'integration',
			operation: 'create',
			vendorId: { __rl: true, mode: 'id', value: 'no-such-vendor-42' },
		} as never);
		let notice: string | undefined;
		let error: unknown;
		try {
			notice = (await getCredentialFields.call(ctx)).emptyFieldsNotice;
		} catch (e) {
			error = e;
		}
		// either an error naming the ID (as Update does for an unknown integration) or a notice saying so
		expect(String((error as Error | undefined)?.message ?? notice)).toMatch(/no-such-vendor-42|no vendor/i);
	});
});

describe('adversary: edits of an active Vendor Added workflow', () => {
	it('switching Vendor Added to Vendor Changed keeps a change made before the switch', async () => {
		const poller = new N8nPoller(env.credentials, { event: 'vendorAdded' });
		expect(await poller.poll()).toBeNull();
		const vendor = env.sandbox.state().vendors.find((v) => v.integrationStatus !== 'inactive')!;
		await admin('PATCH', `/vendors/${vendor.id}`, { integrationStatus: 'inactive' });
		// the user edits the workflow (event → Vendor Changed) and saves: n8n re-activates it
		poller.trigger.node.parameters.event = 'vendorChanged';
		poller.restart();
		// with format 2 for both events (previous release) this change was reported
		expect(ids(await poller.poll())).toEqual([vendor.id]);
	});

	it('a vendor added before an edit of the filters is still reported after it', async () => {
		const poller = new N8nPoller(env.credentials, { event: 'vendorAdded', filters: {} });
		expect(await poller.poll()).toBeNull();
		await addVendor({ id: 'adv-filter-1', name: 'Adv Before Edit', integrationStatus: 'active' });
		poller.trigger.node.parameters.filters = { integrationStatus: 'active' };
		poller.restart();
		// the previous release (format 2) reported it; README now says "changing the filters starts a new baseline"
		expect(ids(await poller.poll())).toEqual(['adv-filter-1']);
	});
});

describe("adversary: the trigger's new notice", () => {
	it('the notice does not say activation "reports nothing" when a re-activation reports what changed', async () => {
		const poller = new N8nPoller(env.credentials, { event: 'vendorAdded' });
		expect(await poller.poll()).toBeNull();
		await addVendor({ id: 'adv-reactivate-1', name: 'Adv While Inactive' });
		poller.restart(); // deactivate + activate again (or an edit): static data is kept
		const reported = ids(await poller.poll());
		expect(reported).toEqual(['adv-reactivate-1']);
		const notice = new MspcOemTrigger().description.properties.find((p) => p.name === 'firstPollNotice')!;
		// the activation poll reported an event, so the panel must not promise it reports nothing
		expect(notice.displayName).toMatch(/^The first activation records a starting snapshot and reports nothing; after that each poll, also the one at a re-activation, reports what changed/);
	});
});
