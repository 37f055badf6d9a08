/**
 * A counting pass-through in front of the provider double: every request the node sends goes
 * through it, so a test sees what a gateway would see on the wire — when each request arrived,
 * when its answer went out (and with which status), and how many were open at once. The double
 * itself is used unchanged; credentials point at `probe.baseUrlFor(dialect)` instead of the double.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Dialect, ProviderDouble } from '../double/providerDouble';

export interface ProbedRequest {
	/** Order of arrival, from 0. */
	seq: number;
	method: string;
	path: string;
	/** `performance.now()` when the request reached the probe. */
	arrivedAt: number;
	/** When the double's answer (status line and headers) came back through the probe. */
	answeredAt?: number;
	/** When the answer was fully sent on to the node (or the connection closed). */
	closedAt?: number;
	status?: number;
	/** Requests open at the probe right after this one arrived (this one included). */
	openOnArrival: number;
}

export interface GatewayProbe {
	url: string;
	baseUrlFor(d: Dialect): string;
	requests: ProbedRequest[];
	/** The most requests ever open at once since the last reset. */
	readonly peak: number;
	/** Requests open right now. */
	readonly open: number;
	reset(): void;
	close(): Promise<void>;
}

export async function startGatewayProbe(double: ProviderDouble): Promise<GatewayProbe> {
	const target = new URL(double.url);
	const agent = new http.Agent({ keepAlive: false });
	const requests: ProbedRequest[] = [];
	let open = 0;
	let peak = 0;

	const server = http.createServer((req, res) => {
		const record: ProbedRequest = {
			seq: requests.length,
			method: req.method ?? 'GET',
			path: req.url ?? '/',
			arrivedAt: performance.now(),
			openOnArrival: ++open,
		};
		peak = Math.max(peak, open);
		requests.push(record);
		let done = false;
		const finish = () => {
			if (done) return;
			done = true;
			record.closedAt = performance.now();
			open--;
		};
		res.on('close', finish);
		const upstream = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: req.url,
				headers: req.headers,
				agent,
			},
			(answer) => {
				record.answeredAt = performance.now();
				record.status = answer.statusCode;
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => {
			res.destroy();
			finish();
		});
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url,
		baseUrlFor: (d) => `${url}/${d}`,
		requests,
		get peak() {
			return peak;
		},
		get open() {
			return open;
		},
		reset() {
			requests.length = 0;
			peak = open;
		},
		close: async () => {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			agent.destroy();
		},
	};
}
