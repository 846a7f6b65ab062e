/**
 * Adversarial pass over the polling trigger (issue 17). Each `FINDING:` test fails on the current
 * code and shows a broken promise of the README's Trigger section.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { ActiveTrigger } from '../helpers/poll';
import { useSandbox } from '../helpers/sandbox';

const env = useSandbox();

async function admin(method: string, path: string, body?: unknown) {
	const res = await fetch(`${env.sandbox.url}/__admin${path}`, {
		method,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const json = (await res.json()) as IDataObject;
	if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json)}`);
	return json;
}

const jsons = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function addIntegration(token: string, vendorId: string): Promise<string> {
	const { integration } = (await admin('POST', '/integrations', { organizationOemToken: token, vendorId })) as {
		integration: { id: string };
	};
	return integration.id;
}

describe('overlapping polls (integration events)', () => {
	it('FINDING: a later-started poll whose older integration list waits for the vendor list undoes an earlier poll’s commit: integrationRemoved is emitted twice', async () => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'Overlap MSP', email: 'o@overlap.example' });
		const [v1, v2, v3] = env.sandbox.state().vendors;
		const i1 = await addIntegration(token, v1.id);
		await addIntegration(token, v2.id);
		const trigger = new ActiveTrigger(env.credentials, {
			event: 'integrationRemoved',
			organizationOemToken: token,
			options: { maxRetries: 1, retryDelay: 1500 },
		});
		expect(await trigger.poll()).toBeNull(); // baseline {i1, i2}

		// poll A (ticket 1): every request held back
		let release!: () => void;
		const gate = new Promise<void>((resolve) => (release = resolve));
		const a = trigger.poll({ gate });
		await sleep(50);

		// poll B (ticket 2): lists {i1, i2, i3} at once; i3 is unknown, so it reads the vendor list,
		// whose first attempt fails (500) and is retried 1.5 s later
		await addIntegration(token, v3.id);
		env.sandbox.injectNext({ path: '/api/oem-api/vendor', status: 500 });
		const b = trigger.poll();
		await sleep(300);

		// meanwhile i1 is removed; poll A goes on, sees it, emits it and commits {i2, i3}
		await admin('DELETE', `/integrations/${encodeURIComponent(i1)}`);
		release();
		const fromA = jsons(await a).map((i) => i.id);
		// poll B then commits its older list {i1, i2, i3} on top
		const fromB = jsons(await b).map((i) => i.id);
		const fromC = jsons(await trigger.poll()).map((i) => i.id);
		// i1 was removed once: it must be reported once
		expect([...fromA, ...fromB, ...fromC]).toEqual([i1]);
	});
});

describe('2xx answers that report a failure', () => {
	const BODIES: Array<[string, Record<string, unknown>]> = [
		['a status given as a string ("500")', { status: '500', message: 'Internal error', integrations: [] }],
		['success: false', { success: false, message: 'Organization temporarily unavailable', integrations: [] }],
	];

	it.each(BODIES)('FINDING: a 200 with %s and an empty list is not read as "every integration removed"', async (_label, body) => {
		const { organizationOemToken: token } = env.sandbox.createOrganization({ name: 'Glitch MSP', email: 'o@glitch.example' });
		const [v1, v2] = env.sandbox.state().vendors;
		const i1 = await addIntegration(token, v1.id);
		const i2 = await addIntegration(token, v2.id);
		const trigger = new ActiveTrigger(env.credentials, { event: 'integrationRemoved', organizationOemToken: token, options: { maxRetries: 0 } });
		await trigger.poll();
		env.sandbox.injectNext({ path: '/api/oem-api/integration/list', status: 200, body });
		const outcome = await trigger.poll().then(
			(items) => jsons(items).map((i) => i.id),
			(error: Error) => error.message,
		);
		// either the poll fails, or at least it must not report the organization's integrations as removed
		expect(outcome).not.toEqual([i1, i2]);
	});
});
