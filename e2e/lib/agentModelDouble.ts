/**
 * A chat-completions double that plays the model behind n8n's AI Agent (the OpenAI Chat Model node,
 * its credential's base URL pointing here). It answers the agent's first call with a call to the
 * one tool it was offered, with the arguments the test chose, and the call after that (which
 * carries the tool's result) with a final answer. Every request body is kept, so a test can read
 * what the agent sent the model, and above all the tool result the model was given.
 * `stream: true` is answered as server-sent events, in case an n8n line streams.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_call_id?: string;
	tool_calls?: unknown[];
}

export interface AgentModelDouble {
	/** The base URL to give the OpenAI credential (ends in /v1). */
	url: string;
	requests: Array<{ path: string; body: Record<string, unknown> }>;
	/** The arguments of the tool call the first answer makes (keys the tool does not offer are dropped). */
	toolArguments: Record<string, unknown>;
	/**
	 * Several tool calls in turn instead (each made from the tool results so far), then the final
	 * answer: an agent that uses what one call returned in the next.
	 */
	toolCalls?: Array<(results: string[]) => Record<string, unknown>>;
	finalAnswer: string;
	/** The tools the agent offered, from its last request. */
	offeredTools(): Array<{ name: string; description?: string; parameters?: { properties?: Record<string, { description?: string }> } }>;
	/** What the model was given back from the tool (the content of the `tool` message). */
	toolResults(): string[];
	close(): Promise<void>;
}

export async function startAgentModelDouble(apiKey: string): Promise<AgentModelDouble> {
	const requests: AgentModelDouble['requests'] = [];
	const double = {
		url: '',
		requests,
		toolArguments: {} as Record<string, unknown>,
		finalAnswer: 'Here is your image.',
	} as AgentModelDouble;

	double.offeredTools = () => {
		const last = requests[requests.length - 1]?.body;
		return ((last?.tools as Array<{ function: ReturnType<AgentModelDouble['offeredTools']>[number] }>) ?? []).map((t) => t.function);
	};
	double.toolResults = () =>
		requests.flatMap((r) => ((r.body.messages as ChatMessage[]) ?? []).filter((m) => m.role === 'tool').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))));

	const answer = (body: Record<string, unknown>) => {
		const messages = (body.messages as ChatMessage[]) ?? [];
		const tools = (body.tools as Array<{ function: { name: string; parameters?: { properties?: Record<string, unknown> } } }>) ?? [];
		const results = messages.filter((m) => m.role === 'tool').map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
		const wanted = double.toolCalls ? double.toolCalls[results.length]?.(results) : results.length === 0 ? double.toolArguments : undefined;
		if (wanted && tools.length > 0) {
			const tool = tools[0].function;
			const offered = Object.keys(tool.parameters?.properties ?? {});
			const args = Object.fromEntries(Object.entries(wanted).filter(([k]) => offered.length === 0 || offered.includes(k)));
			return { role: 'assistant', content: null, tool_calls: [{ id: `call_nano_${results.length + 1}`, type: 'function', function: { name: tool.name, arguments: JSON.stringify(args) } }] };
		}
		return { role: 'assistant', content: double.finalAnswer };
	};

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
			if (req.headers.authorization !== `Bearer ${apiKey}`) {
				res.writeHead(401, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } }));
				return;
			}
			if (req.method === 'GET' && path.endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-4o-mini', object: 'model' }] }));
				return;
			}
			let body: Record<string, unknown> = {};
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
			} catch {
				// kept empty: answered below as a request without messages
			}
			requests.push({ path, body });
			if (!path.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `No route ${path}` } }));
				return;
			}
			const message = answer(body);
			const finish = message.tool_calls ? 'tool_calls' : 'stop';
			const base = { id: `chatcmpl-${requests.length}`, created: Math.floor(Date.now() / 1000), model: String(body.model ?? 'gpt-4o-mini') };
			const usage = { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 };
			if (body.stream === true) {
				res.writeHead(200, { 'content-type': 'text/event-stream' });
				const delta = message.tool_calls
					? { role: 'assistant', tool_calls: (message.tool_calls as Array<Record<string, unknown>>).map((c, index) => ({ index, ...c })) }
					: { role: 'assistant', content: message.content };
				res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`);
				res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: finish }], usage })}\n\n`);
				res.end('data: [DONE]\n\n');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: finish }], usage }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	double.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
	double.close = async () => {
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	};
	return double;
}
