/**
 * Side-effect module, imported before anything of n8n: every log line n8n writes during the
 * fault suite is kept in memory (and nothing goes to the terminal), at the most verbose level,
 * so the suite can search them for the API key.
 *
 * n8n's `Logger` (@n8n/backend-common) reads `N8N_LOG_LEVEL` when the DI container first builds
 * it, becomes `LoggerProxy` (what n8n-workflow and n8n-core log through) and writes through a
 * winston logger; `captureLogs()` swaps that logger's transports for one that records.
 */
process.env.N8N_LOG_LEVEL = 'debug';

import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { Logger as Winston } from 'winston';
import Transport from 'winston-transport';

/** Every log record n8n wrote, serialised whole (message and metadata). */
export const logLines: string[] = [];

/** Everything written through console.* and to stdout/stderr while capture was on. */
export const consoleLines: string[] = [];

class Recorder extends Transport {
	log(info: unknown, done: () => void): void {
		const seen = new WeakSet<object>();
		logLines.push(
			JSON.stringify(info, (_key, value: unknown) => {
				if (typeof value === 'object' && value !== null) {
					if (seen.has(value)) return '[circular]';
					seen.add(value);
				}
				return value;
			}),
		);
		done();
	}
}

let restore: Array<() => void> = [];

/** Starts recording n8n's log and the console; returns n8n's log level (to check it is debug). */
export function captureLogs(): string {
	const logger = Container.get(Logger);
	const winston = (logger as unknown as { internalLogger: Winston }).internalLogger;
	winston.clear();
	winston.add(new Recorder({ level: 'debug' }));

	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
			consoleLines.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '));
		});
		restore.push(() => spy.mockRestore());
	}
	for (const stream of [process.stdout, process.stderr]) {
		const original = stream.write.bind(stream);
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			consoleLines.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
			return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof stream.write;
		restore.push(() => {
			stream.write = original as typeof stream.write;
		});
	}
	return (logger as unknown as { level: string }).level;
}

export function stopCapture(): void {
	for (const undo of restore.reverse()) undo();
	restore = [];
}

function safeJson(value: unknown): string {
	try {
		const seen = new WeakSet<object>();
		return JSON.stringify(value, (_key, v: unknown) => {
			if (typeof v === 'object' && v !== null) {
				if (seen.has(v)) return '[circular]';
				seen.add(v);
				if (v instanceof Error) return { ...v, name: v.name, message: v.message, stack: v.stack };
			}
			return v;
		});
	} catch {
		return String(value);
	}
}
