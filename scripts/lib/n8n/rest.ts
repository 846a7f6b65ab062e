/** REST client of a running n8n (cookie login): the same calls n8n's editor makes. */
import { sleep } from './processes';

/** The owner account of instances started here (throw-away or a local demo). */
export const DEMO_OWNER = {
	email: 'demo@example.com',
	password: 'Demo-Passw0rd',
	firstName: 'Demo',
	lastName: 'Owner',
};

const HTTP_TIMEOUT_MS = 30_000;

export class N8nRestClient {
	private cookie = '';
	/** n8n binds the auth cookie to this header when present; send one consistently */
	private readonly browserId = 'mspc-oem-e2e-browser';

	constructor(readonly baseUrl: string) {}

	async request<T = any>(
		method: string,
		urlPath: string,
		body?: unknown,
	): Promise<{ status: number; body: T; text: string }> {
		const res = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
		});
		const setCookie = res.headers.getSetCookie?.() ?? [];
		for (const c of setCookie) {
			const pair = c.split(';')[0];
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await res.text();
		let parsed: any = text;
		try {
			parsed = JSON.parse(text);
		} catch {
			/* not JSON */
		}
		return { status: res.status, body: parsed, text };
	}

	private async ok<T = any>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const res = await this.request(method, urlPath, body);
		if (res.status < 200 || res.status >= 300) {
			throw new Error(`${method} ${urlPath} → ${res.status}: ${res.text.slice(0, 500)}`);
		}
		return (res.body?.data ?? res.body) as T;
	}

	/** First start: creates the owner (and logs in). Later starts: logs in. */
	async ensureOwner(owner = DEMO_OWNER): Promise<void> {
		const settings = await this.ok('GET', '/rest/settings');
		const needsSetup = settings?.userManagement?.showSetupOnFirstLoad;
		if (needsSetup !== false) {
			const res = await this.request('POST', '/rest/owner/setup', owner);
			if (res.status === 200) return;
			if (needsSetup === true) throw new Error(`owner setup failed: ${res.status} ${res.text}`);
		}
		await this.login(owner);
	}

	async login(owner = DEMO_OWNER): Promise<void> {
		// 2.x reads emailOrLdapLoginId, older 1.x `email`; unknown keys are ignored.
		await this.ok('POST', '/rest/login', {
			email: owner.email,
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
	}

	async listCredentials(): Promise<Array<{ id: string; name: string; type: string }>> {
		return this.ok('GET', '/rest/credentials');
	}

	async listWorkflows(): Promise<Array<{ id: string; name: string }>> {
		return this.ok('GET', '/rest/workflows');
	}

	/** The editor's "Test" button: n8n runs the credential type's `test` request. */
	async testCredential(cred: {
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<{ status: 'OK' | 'Error'; message: string }> {
		return this.ok('POST', '/rest/credentials/test', { credentials: cred });
	}

	/**
	 * The editor's manual run (`POST /rest/workflows/:id/run`), e.g. "Execute step" on a node:
	 * `destinationNode` names it; for a tool, `agentRequest` carries the `$fromAI()` values.
	 * Returns the execution id.
	 */
	async runManually(
		workflow: { id: string } & Record<string, unknown>,
		payload: { destinationNode: string; agentRequest?: { query: unknown; tool?: { name: string } } },
	): Promise<string> {
		const result = await this.ok<{ executionId?: string; waitingForWebhook?: boolean }>(
			'POST',
			`/rest/workflows/${workflow.id}/run`,
			{
				workflowData: workflow,
				destinationNode: { nodeName: payload.destinationNode, mode: 'inclusive' },
				agentRequest: payload.agentRequest,
			},
		);
		if (!result.executionId) throw new Error(`no execution started: ${JSON.stringify(result)}`);
		return String(result.executionId);
	}

	/** Polls an execution until it has stopped; returns its status. */
	async waitForExecution(id: string, timeoutMs = 60_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const res = await this.request('GET', `/rest/executions/${id}`);
			const execution = res.body?.data ?? res.body;
			if (res.status === 200 && execution?.stoppedAt && execution.status !== 'running') return execution.status;
			if (Date.now() > deadline) throw new Error(`execution ${id} still running after ${timeoutMs} ms`);
			await sleep(200);
		}
	}

	async getNodeTypes(): Promise<string[]> {
		const res = await this.request('GET', '/types/nodes.json');
		if (res.status !== 200) throw new Error(`GET /types/nodes.json → ${res.status}`);
		return (res.body as Array<{ name: string }>).map((n) => n.name);
	}

	async getCredentialTypes(): Promise<string[]> {
		const res = await this.request('GET', '/types/credentials.json');
		if (res.status !== 200) throw new Error(`GET /types/credentials.json → ${res.status}`);
		return (res.body as Array<{ name: string }>).map((c) => c.name);
	}
}
