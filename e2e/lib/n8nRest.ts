/**
 * n8n's internal REST API, as the editor uses it, for what the CLI cannot do: sign in as the owner
 * and look at or stop running executions. The same calls work on 1.123, 2.8 and 2.41.
 */
import { OWNER } from './n8nHost';

export interface ExecutionSummary {
	id: string;
	status: string;
	workflowId?: string;
}

export class N8nRest {
	private cookie = '';
	private readonly browserId = 'nano-banana-e2e';

	constructor(readonly url: string) {}

	private headers(): Record<string, string> {
		return { 'content-type': 'application/json', 'browser-id': this.browserId, cookie: this.cookie };
	}

	/** Signs in as the owner that `setupOwner` created (the editor's own sign-in call). */
	async signIn(): Promise<void> {
		const res = await fetch(`${this.url}/rest/login`, {
			method: 'POST',
			headers: this.headers(),
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		});
		if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
		const cookies = res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie') ?? ''];
		this.cookie = cookies.map((c) => c.split(';')[0]).join('; ');
	}

	async call<T>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.url}/rest${path}`, { method, headers: this.headers(), body: body === undefined ? undefined : JSON.stringify(body) });
		const text = await res.text();
		if (!res.ok) throw new Error(`${method} /rest${path}: ${res.status} ${text.slice(0, 500)}`);
		return (text === '' ? undefined : JSON.parse(text).data) as T;
	}

	/** The instance's executions, newest first (the executions list of the editor). */
	async executions(): Promise<ExecutionSummary[]> {
		const data = await this.call<{ results: Array<{ id: string | number; status: string; workflowId?: string }> }>('GET', '/executions');
		return data.results.map((e) => ({ id: String(e.id), status: e.status, workflowId: e.workflowId }));
	}

	/** What the editor's "Stop" button does. */
	async stop(executionId: string): Promise<void> {
		await this.call('POST', `/executions/${executionId}/stop`);
	}
}
