/**
 * The node as a user sees it in n8n 2.8.4's editor, captured into docs/screenshots/:
 *   node-creator-search.png      the node creator after searching "MSPC": the node and the trigger
 *   node-creator-trigger.png     the trigger picked there (empty canvas): its description, five events
 *   node-creator-actions.png     "What happens next?" (after a node): the node's description and actions
 *   trigger-notice.png           the trigger's panel: activation records a snapshot, Fetch Test Event
 *                                returns existing entries
 *   mapper-before-vendor.png     Integration: Create before a vendor is picked: the notice, no error
 *   create-credential-fields.png Integration: Create with the credential fields generated from
 *                                the chosen vendor's template (Northwind RMM: api key, api username)
 *   run-canvas.png               the vendor-catalogue example after a successful run
 *   run-output.png               Vendor: List's output of that run
 * Each screenshot is taken only once the page shows what it is meant to show.
 *
 * Needs a Chromium (CHROMIUM_PATH, default /usr/bin/chromium); installs nothing. Without one
 * the test is skipped and says so.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { startSandbox, type RunningSandbox } from '../../sandbox';
import {
	CREDENTIAL_TYPE,
	DEMO_OWNER,
	N8nInstance,
	NODE_TYPE,
	PRIMARY_N8N_VERSION,
	REPO_ROOT,
	SANDBOX_CREDENTIAL_ID,
	SANDBOX_CREDENTIAL_NAME,
} from '../../scripts/lib/n8n';
import { EXAMPLES, loadExample } from '../e2e/workflows';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const OUT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');
const haveChromium = fs.existsSync(CHROMIUM);

if (!haveChromium) {
	// eslint-disable-next-line no-console
	console.log(`skipped: chromium not installed (looked for ${CHROMIUM}; set CHROMIUM_PATH)`);
}

/** A workflow with Integration: Create on Northwind RMM, template mode, fields not yet loaded. */
const createWorkflow = {
	id: 'shotCreate',
	name: 'Create an integration',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: [
		{
			id: '3e0c6a4d-1f1b-4b7e-9a51-000000000001',
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: '3e0c6a4d-1f1b-4b7e-9a51-000000000002',
			name: 'Create integration',
			type: NODE_TYPE,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'integration',
				operation: 'create',
				organizationOemToken: '={{ $json.organizationOemToken }}',
				vendorId: { __rl: true, mode: 'list', value: '43211235', cachedResultName: 'Northwind RMM' },
				credentialsMode: 'template',
			},
			credentials: { [CREDENTIAL_TYPE]: { id: SANDBOX_CREDENTIAL_ID, name: SANDBOX_CREDENTIAL_NAME } },
		},
	],
	connections: { Start: { main: [[{ node: 'Create integration', type: 'main', index: 0 }]] } },
};

/** Integration: Create with no vendor and Integration: Update with no integration yet. */
const unpickedWorkflow = {
	id: 'shotUnpicked',
	name: 'Nothing picked yet',
	active: false,
	settings: { executionOrder: 'v1' },
	nodes: (['create', 'update'] as const).map((operation, index) => ({
		id: `3e0c6a4d-1f1b-4b7e-9a51-00000000001${index}`,
		name: `${operation} integration`,
		type: NODE_TYPE,
		typeVersion: 1,
		position: [220 * index, 0],
		parameters: {
			resource: 'integration',
			operation,
			organizationOemToken: 'demo-org-oem-token',
			...(operation === 'create' ? { vendorId: { __rl: true, mode: 'list', value: '' } } : { integrationId: { __rl: true, mode: 'list', value: '' } }),
			credentialsMode: 'template',
		},
		credentials: { [CREDENTIAL_TYPE]: { id: SANDBOX_CREDENTIAL_ID, name: SANDBOX_CREDENTIAL_NAME } },
	})),
	connections: {},
};

/** The descriptions n8n's node creator shows above each node's actions. */
const ACTION_NODE_DESCRIPTION = /^Manage MSPCentric OEM organizations/;
const TRIGGER_DESCRIPTION = /^Starts the workflow when MSPCentric/;

const describeIfChromium = haveChromium ? describe : describe.skip;

describeIfChromium(`editor screenshots (n8n ${PRIMARY_N8N_VERSION})`, () => {
	let sandbox: RunningSandbox;
	let n8n: N8nInstance;
	let browser: import('playwright-core').Browser;
	let page: import('playwright-core').Page;

	beforeAll(async () => {
		sandbox = await startSandbox();
		n8n = await N8nInstance.create({ version: PRIMARY_N8N_VERSION, logLevel: 'info' });
		await n8n.importCredentials([
			{
				id: SANDBOX_CREDENTIAL_ID,
				name: SANDBOX_CREDENTIAL_NAME,
				type: CREDENTIAL_TYPE,
				data: { baseUrl: sandbox.url, ...sandbox.credentials },
			},
		]);
		await n8n.importWorkflows([
			loadExample(EXAMPLES.vendorCatalogue.file),
			loadExample(EXAMPLES.onboarding.file),
			loadExample(EXAMPLES.newVendorOffer.file),
			createWorkflow,
			unpickedWorkflow,
		]);
		await n8n.start();
		await n8n.rest!.ensureOwner();

		const { chromium } = await import('playwright-core');
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
		});
		page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
		page.setDefaultTimeout(30_000);
		fs.mkdirSync(OUT_DIR, { recursive: true });

		await page.goto(`${n8n.url}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', DEMO_OWNER.email);
		await page.fill('input[name=password]', DEMO_OWNER.password);
		await page.click('[data-test-id=form-submit-button]');
		await page.waitForURL((url) => !url.pathname.includes('signin'));
	}, 5 * 60_000);

	afterAll(async () => {
		await browser?.close();
		await n8n?.dispose();
		await sandbox?.stop();
	});

	const save = (name: string) => page.screenshot({ path: path.join(OUT_DIR, name) });
	/** Lets sliding panels and fades finish (the editor animates them for a few hundred ms). */
	const settle = () => page.waitForTimeout(1000);

	// on a failure, what the page showed (outside the repository)
	afterEach(async () => {
		const state = expect.getState();
		if (page && state.currentTestName) {
			const file = path.join(os.tmpdir(), `n8n-screenshot-last-${state.currentTestName.replace(/\W+/g, '-').slice(-60)}.png`);
			await page.screenshot({ path: file }).catch(() => undefined);
		}
	});

	/** Opens the node creator (the editor may still be wiring its handlers: retried until it shows). */
	async function openNodeCreator(title: string) {
		const creator = page.locator('[data-test-id=node-creator]');
		const search = creator.locator('input[data-test-id=node-creator-search-bar]');
		for (let attempt = 0; attempt < 10 && !(await search.isVisible()); attempt++) {
			await page.locator('[data-test-id=canvas-add-button]').first().click({ timeout: 2000 }).catch(() => page.keyboard.press('Tab'));
			await search.waitFor({ timeout: 2000 }).catch(() => undefined);
		}
		await creator.getByText(title, { exact: true }).first().waitFor();
		await search.fill('MSPC');
		return creator;
	}

	/** The node creator's details panel of a picked node: its description. */
	const shownDescription = (creator: import('playwright-core').Locator) =>
		creator.getByText(new RegExp(`${ACTION_NODE_DESCRIPTION.source}|${TRIGGER_DESCRIPTION.source}`)).allInnerTexts();

	test('node creator on an empty canvas: the node and the trigger, each with its own description', async () => {
		await page.goto(`${n8n.url}/workflow/new`);
		await page.getByText('Add first step').waitFor();
		const creator = await openNodeCreator('What triggers this workflow?');
		await creator.getByText('MSPC OEM', { exact: true }).first().waitFor();
		// n8n's node creator shows a trigger that has events without " Trigger"
		const trigger = creator.getByText('MSPC OEM Events').first();
		await trigger.waitFor();
		await settle();
		await save('node-creator-search.png');
		await trigger.click();
		for (const event of ['On vendor added', 'On vendor changed', 'On integration added', 'On integration changed', 'On integration removed']) {
			await creator.getByText(event, { exact: true }).waitFor();
		}
		await creator.getByText(TRIGGER_DESCRIPTION).waitFor();
		await settle();
		await save('node-creator-trigger.png');
		expect(await shownDescription(creator)).toEqual([expect.stringMatching(TRIGGER_DESCRIPTION)]);
	});

	test('"What happens next?" after a node: the action node\'s own description above its eight actions', async () => {
		// a workflow with a trigger: the node creator then offers what comes next
		await page.goto(`${n8n.url}/workflow/${createWorkflow.id}`);
		await page.locator('[data-test-id=canvas-node][data-node-name="Create integration"]').waitFor();
		const creator = await openNodeCreator('What happens next?');
		await creator.getByText('MSPC OEM', { exact: true }).first().click();
		for (const action of [
			'Create an integration',
			'Create or update an integration',
			'List integrations',
			'Update an integration',
			'List vendors',
			'Create an organization',
			'Add a user',
			'Remove a user',
		]) {
			await creator.getByText(action, { exact: true }).waitFor();
		}
		await creator.getByText(ACTION_NODE_DESCRIPTION).waitFor();
		await settle();
		await save('node-creator-actions.png');
		expect(await shownDescription(creator)).toEqual([expect.stringMatching(ACTION_NODE_DESCRIPTION)]);
		await page.keyboard.press('Escape');
		await creator.waitFor({ state: 'hidden' });
	});

	test("the trigger's panel says what activation and Fetch Test Event do", async () => {
		await page.goto(`${n8n.url}/workflow/${EXAMPLES.newVendorOffer.id}`);
		await page.locator('[data-test-id=canvas-node][data-node-name="New vendor"]').dblclick();
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.getByText(/^The first activation records a starting snapshot and reports nothing/).waitFor();
		await ndv.getByText(/Fetch Test Event returns existing entries/).waitFor();
		await settle();
		await save('trigger-notice.png');
	});

	test('the credential fields before a vendor or integration is picked: a notice, no error', async () => {
		await page.goto(`${n8n.url}/workflow/${unpickedWorkflow.id}`);
		for (const [node, notice] of [
			['update integration', 'Select an integration first'],
			['create integration', 'Select a vendor first'],
		]) {
			await page.locator(`[data-test-id=canvas-node][data-node-name="${node}"]`).dblclick();
			const ndv = page.locator('[data-test-id=ndv]');
			await ndv.locator('[data-test-id=empty-fields-notice]').getByText(notice).waitFor();
			await settle();
			await expect(ndv.getByText(/No credential fields found/).count()).resolves.toBe(0);
			await expect(ndv.getByText('Retry', { exact: true }).count()).resolves.toBe(0);
			if (node === 'create integration') await save('mapper-before-vendor.png');
			await page.keyboard.press('Escape');
			await ndv.waitFor({ state: 'hidden' });
		}
	});

	test("Integration: Create shows the vendor template's credential fields", async () => {
		await page.goto(`${n8n.url}/workflow/${createWorkflow.id}`);
		await page.locator('[data-test-id=canvas-node][data-node-name="Create integration"]').dblclick();
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.getByText('Credentials Input').waitFor();
		// the resource mapper loaded the fields from Northwind RMM's template through the node's method
		await ndv.getByText('api key', { exact: true }).waitFor();
		await ndv.getByText('api username', { exact: true }).waitFor();
		await settle();
		await save('create-credential-fields.png');
		expect(sandbox.requests.some((r) => r.path === '/api/oem-api/vendor')).toBe(true);
	});

	test('a successful run and its output', async () => {
		await page.goto(`${n8n.url}/workflow/${EXAMPLES.vendorCatalogue.id}`);
		await page.locator('[data-test-id=execute-workflow-button]').click();
		await page.getByText('Workflow executed successfully').waitFor();
		// both connections carry their item counts once the canvas has the run data
		await page.getByText('7 items', { exact: true }).nth(1).waitFor();
		await save('run-canvas.png');
		await page.locator('[data-test-id=canvas-node][data-node-name="All vendors"]').dblclick();
		const ndv = page.locator('[data-test-id=ndv]');
		await ndv.getByText('7 items').first().waitFor();
		await ndv.getByText('Northwind RMM').first().waitFor();
		await settle();
		await save('run-output.png');
	});

	test('the onboarding example runs green with one click: organization, then its integration', async () => {
		await page.goto(`${n8n.url}/workflow/${EXAMPLES.onboarding.id}`);
		await page.locator('[data-test-id=execute-workflow-button]').first().click();
		await page.getByText('Workflow executed successfully').waitFor({ timeout: 60_000 });
		await settle();
		await save('onboarding-run.png');
		const paths = sandbox.requests.map((r) => `${r.method} ${r.path}`);
		expect(paths).toContain('POST /api/oem-api/organization');
		expect(paths.some((p) => p === 'POST /api/oem-api/integration' || p.startsWith('PATCH /api/oem-api/integration/'))).toBe(true);
	});
});

// Keeps jest from failing the file with "Your test suite must contain at least one test".
if (!haveChromium) test.skip('editor screenshots (chromium not installed)', () => undefined);
