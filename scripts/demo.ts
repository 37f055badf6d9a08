/**
 * The package's main job in one command:
 *
 *   npm run demo                 build the package, install it into a local n8n 2.8.4, run the
 *                                example workflows headless, write their images to out/demo/
 *   npm run demo -- --editor     the same set-up, then start the n8n editor on localhost with the
 *                                package, the example workflows and ready credentials; Ctrl-C ends
 *
 * Without settings it calls the provider double (test/double), a local imitation of the four
 * gateways, Google's Gemini API and OpenRouter, whose pictures show the prompt's first words and their pixel size, so the result of
 * every ratio and resolution setting can be seen. With these variables it calls a real gateway
 * (and is billed for it):
 *
 *   NANO_BANANA_PROVIDER   gptGe | tuZi | theTurbo | openAiCompatible | google | openRouter
 *   NANO_BANANA_API_KEY    the gateway's API key
 *   NANO_BANANA_BASE_URL   optional: the gateway address (default: the provider's documented host;
 *                          required for openAiCompatible)
 *   NANO_BANANA_DIALECT    optional, openAiCompatible only: openai | gptGe | tuZi | theTurbo
 *   NANO_BANANA_ENDPOINT   optional, openAiCompatible only: images (default) | chatCompletions
 *   NANO_BANANA_MODEL      optional: a model id to use in every example instead of its own
 *   N8N_DEMO_PORT          optional, --editor only: the editor's port (default 5678)
 *
 * With a real gateway only the examples for that provider run.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { ICredentialType } from 'n8n-workflow';

import { GoogleGeminiImageApi } from '../credentials/GoogleGeminiImageApi.credentials';
import { GptGeApi } from '../credentials/GptGeApi.credentials';
import { OpenRouterImageApi } from '../credentials/OpenRouterImageApi.credentials';
import { OpenAiCompatibleImageApi } from '../credentials/OpenAiCompatibleImageApi.credentials';
import { TheTurboApi } from '../credentials/TheTurboApi.credentials';
import { TuZiApi } from '../credentials/TuZiApi.credentials';
import { PROVIDERS as NODE_PROVIDERS } from '../nodes/NanoBanana/route/providers';
import { startProviderDouble, type ProviderDouble } from '../test/double/providerDouble';
import { CREDENTIAL_TYPE_OF, credentialsFor, doubleCredentialData, loadExamples, nanoBananaNodes, type CredentialType, type Example } from '../e2e/lib/examples';
import { ensureN8nHost, N8nInstance, nodeItems, OWNER, packPackage, repoRoot, setupOwner } from '../e2e/lib/n8nHost';
import { caption } from './caption';

const PROVIDERS = ['gptGe', 'tuZi', 'theTurbo', 'openAiCompatible', 'google', 'openRouter'] as const;
type Provider = (typeof PROVIDERS)[number];
/** Each provider's documented host: the Base URL default of its credential type. */
const CREDENTIAL_CLASSES: ICredentialType[] = [new GptGeApi(), new TuZiApi(), new TheTurboApi(), new OpenAiCompatibleImageApi(), new GoogleGeminiImageApi(), new OpenRouterImageApi()];
const DEFAULT_BASE_URL = Object.fromEntries(
	PROVIDERS.map((p) => {
		const type = CREDENTIAL_CLASSES.find((c) => c.name === NODE_PROVIDERS[p].credentialType);
		const value = type?.properties.find((prop) => prop.name === 'baseUrl')?.default;
		return [p, typeof value === 'string' && value !== '' ? value : undefined];
	}),
) as Record<Provider, string | undefined>;

const outDir = path.join(repoRoot, 'out', 'demo');
const say = (line = '') => process.stdout.write(`${line}\n`);

interface RealGateway {
	provider: Provider;
	apiKey: string;
	baseUrl: string;
	dialect: string;
	endpoint: string;
	model?: string;
}

function realGateway(): RealGateway | undefined {
	const provider = process.env.NANO_BANANA_PROVIDER?.trim();
	const apiKey = process.env.NANO_BANANA_API_KEY?.trim();
	if (!provider && !apiKey) return undefined;
	if (!provider || !(PROVIDERS as readonly string[]).includes(provider)) {
		throw new Error(`Set NANO_BANANA_PROVIDER to one of ${PROVIDERS.join(', ')} (got "${provider ?? ''}").`);
	}
	if (!apiKey) throw new Error('Set NANO_BANANA_API_KEY to the gateway API key.');
	const p = provider as Provider;
	const baseUrl = process.env.NANO_BANANA_BASE_URL?.trim() || DEFAULT_BASE_URL[p];
	if (!baseUrl) throw new Error('Set NANO_BANANA_BASE_URL: an OpenAI-compatible gateway has no default address.');
	return { provider: p, apiKey, baseUrl, dialect: process.env.NANO_BANANA_DIALECT?.trim() || 'openai', endpoint: process.env.NANO_BANANA_ENDPOINT?.trim() || 'images', model: process.env.NANO_BANANA_MODEL?.trim() || undefined };
}

function providerOf(example: Example): string {
	return String(nanoBananaNodes(example.workflow)[0]?.parameters.provider);
}

async function main(): Promise<void> {
	const editor = process.argv.includes('--editor');
	const real = realGateway();
	const started = Date.now();

	say('Nano Banana demo');
	say(`  gateway: ${real ? `${real.provider} at ${real.baseUrl} (real calls, billed by the gateway)` : 'the provider double on 127.0.0.1 (no API key needed)'}`);

	const host = ensureN8nHost();
	say(`  n8n 2.8.4: ${host}`);
	mkdirSync(outDir, { recursive: true });
	const tarball = packPackage(path.join(outDir, 'package'));
	say(`  package: ${path.relative(repoRoot, tarball)}`);

	let double: ProviderDouble | undefined;
	if (!real) double = await startProviderDouble();

	let examples = loadExamples();
	if (real) {
		examples = examples.filter((e) => nanoBananaNodes(e.workflow).every((n) => n.parameters.provider === real.provider));
		if (real.model) for (const e of examples) for (const n of nanoBananaNodes(e.workflow)) n.parameters.model = real.model;
	}

	const userFolder = path.join(outDir, editor ? 'n8n-editor' : 'n8n-headless');
	rmSync(userFolder, { recursive: true, force: true });
	const n8n = await N8nInstance.create(host, { userFolder, binaryMode: 'filesystem', logLevel: editor ? 'info' : 'warn' });
	n8n.installPackage(tarball);
	const allCredentials = credentialsFor(loadExamples(), (type) => {
		if (real) {
			if (CREDENTIAL_TYPE_OF[real.provider] !== type) return { apiKey: 'not-set', baseUrl: DEFAULT_BASE_URL[providerFor(type)] ?? 'https://example.invalid' };
			return { apiKey: real.apiKey, baseUrl: real.baseUrl, ...(type === 'openAiCompatibleImageApi' ? { dialect: real.dialect, endpoint: real.endpoint } : {}) };
		}
		return doubleCredentialData(double!, type);
	});
	n8n.importCredentials(real ? allCredentials.filter((c) => c.type === CREDENTIAL_TYPE_OF[real.provider]) : allCredentials);
	n8n.importWorkflows(examples.map((e) => e.workflow));

	if (editor) {
		const port = Number(process.env.N8N_DEMO_PORT ?? 5678);
		const url = await n8n.start(port);
		await setupOwner(url);
		say();
		say(`n8n editor with Nano Banana: ${url}`);
		say(`  sign in as ${OWNER.email} / ${OWNER.password}`);
		say(`  ${examples.length} example workflows under Overview; open one and press "Execute workflow".`);
		say(`  credentials: ${real ? `${real.provider} (your key)` : 'all four gateways, pointing at the provider double'}`);
		say(`  n8n log: ${path.relative(repoRoot, n8n.logFile)}`);
		say('Press Ctrl-C to stop.');
		const stop = async () => {
			say('\nstopping n8n');
			await n8n.close(true);
			await double?.close();
			process.exit(0);
		};
		process.on('SIGINT', () => void stop());
		process.on('SIGTERM', () => void stop());
		return;
	}

	const imagesDir = path.join(outDir, 'images');
	rmSync(imagesDir, { recursive: true, force: true });
	mkdirSync(imagesDir, { recursive: true });
	say();
	let failed = 0;
	let written = 0;
	const gallery: string[] = [];
	for (const example of examples) {
		const run = await n8n.execute(example.workflow.id, 900_000);
		const error = run.result?.data.resultData.error;
		if (!run.result || error || run.code !== 0) {
			failed++;
			say(`FAILED ${example.file} (${providerOf(example)}): ${error?.message ?? `exit ${run.code}, no result`}`);
			if (!run.result) say(run.stderr.slice(-2000));
			continue;
		}
		say(`${example.workflow.name}  [${(run.ms / 1000).toFixed(1)} s]`);
		for (const node of nanoBananaNodes(example.workflow)) {
			for (const item of nodeItems(run.result, node.name)) {
				const property = String((node.parameters.options as Record<string, unknown> | undefined)?.outputProperty ?? 'data');
				const ref = item.binary?.[property];
				if (!ref) {
					say(`  ${node.name}: no image (${JSON.stringify(item.json).slice(0, 200)})`);
					continue;
				}
				const j = item.json;
				const ext = String(j.fileName ?? 'x.png').split('.').pop();
				const file = path.join(imagesDir, `${example.file}--${slug(node.name)}-${j.index}.${ext}`);
				writeFileSync(file, n8n.binaryBytes(ref));
				written++;
				gallery.push(
					`<figure><img src="${path.basename(file)}" loading="lazy" title="${esc(String(j.prompt))}"><figcaption title="${esc(String(j.prompt))}"><b>${esc(node.name)}</b> ${j.width}x${j.height}, ${esc(String(j.provider))} ${esc(String(j.model))}<br>${esc(caption(String(j.prompt)))}</figcaption></figure>`,
				);
				const warn = Array.isArray(j.warnings) ? `  warnings: ${j.warnings.join(' | ')}` : '';
				say(`  ${node.name}: ${j.width}x${j.height} ${j.mimeType} ${kb(Number(j.fileSize))}  (${j.provider}, ${j.model}, ratio ${j.aspectRatio}, ${j.resolution})`);
				say(`    -> ${path.relative(process.cwd(), file)}${warn}`);
			}
		}
	}
	await n8n.close(true);
	await double?.close();
	writeFileSync(
		path.join(imagesDir, 'index.html'),
		`<!doctype html><meta charset="utf-8"><title>Nano Banana demo</title><style>body{font:14px sans-serif;margin:24px}figure{display:inline-block;width:300px;margin:8px;vertical-align:top}img{max-width:300px;max-height:300px;border:1px solid #ccc}</style><h1>Nano Banana demo: ${written} images</h1>\n${gallery.join('\n')}\n`,
	);
	say();
	say(`${written} images from ${examples.length - failed} of ${examples.length} workflows in ${path.relative(process.cwd(), imagesDir)}/, all on one page: ${path.relative(process.cwd(), path.join(imagesDir, 'index.html'))} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
	if (failed > 0) process.exitCode = 1;
}

function providerFor(type: CredentialType): Provider {
	return (Object.entries(CREDENTIAL_TYPE_OF).find(([, t]) => t === type)?.[0] ?? 'openAiCompatible') as Provider;
}

function esc(s: string): string {
	return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

function slug(s: string): string {
	return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function kb(bytes: number): string {
	return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

main().catch((error: unknown) => {
	process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(1);
});

