/**
 * The example workflows (examples/*.json) and the credentials they name, pointed at a gateway: the
 * provider double in tests, or a real gateway in the demo.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { PROVIDERS, PROVIDER_IDS } from '../../nodes/NanoBanana/route/providers';
import type { Prefix } from '../../test/double/providerDouble';
import type { CredentialToImport } from './n8nHost';
import { repoRoot } from './n8nHost';

export const NODE_TYPE = 'n8n-nodes-nano-banana.nanoBanana';

export interface ExampleNode {
	id: string;
	name: string;
	type: string;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	typeVersion?: number;
	position?: number[];
	webhookId?: string;
}

export interface ExampleWorkflow {
	id: string;
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, unknown>;
	[key: string]: unknown;
}

export interface Example {
	file: string; // e.g. 'generate-v-api-product-shot'
	workflow: ExampleWorkflow;
}

export const examplesDir = path.join(repoRoot, 'examples');

export function loadExamples(): Example[] {
	return readdirSync(examplesDir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((f) => ({
			file: f.replace(/\.json$/, ''),
			workflow: JSON.parse(readFileSync(path.join(examplesDir, f), 'utf8')) as ExampleWorkflow,
		}));
}

/** The Nano Banana nodes of a workflow, in the order they appear. */
export function nanoBananaNodes(workflow: ExampleWorkflow): ExampleNode[] {
	return workflow.nodes.filter((n) => n.type === NODE_TYPE);
}

export type CredentialType = 'gptGeApi' | 'tuZiApi' | 'theTurboApi' | 'openAiCompatibleImageApi' | 'googleGeminiImageApi' | 'openRouterImageApi' | 'vertexAiImageApi';

/** The provider double's route for each credential type (where tests point its Base URL). */
export const DOUBLE_PREFIX_OF: Record<CredentialType, Prefix> = {
	gptGeApi: 'gptGe',
	tuZiApi: 'tuZi',
	theTurboApi: 'theTurbo',
	openAiCompatibleImageApi: 'openai',
	googleGeminiImageApi: 'google',
	openRouterImageApi: 'openRouter',
	vertexAiImageApi: 'vertex',
};

/**
 * The fields of a credential pointed at the provider double: the key and the base URL, with the
 * double's service account key (whose token_uri is the double's) for Vertex AI.
 */
export function doubleCredentialData(double: { apiKey: string; baseUrlFor(p: Prefix): string; vertex: { serviceAccountKey(): string } }, type: CredentialType): Record<string, string> {
	const base = { apiKey: double.apiKey, baseUrl: double.baseUrlFor(DOUBLE_PREFIX_OF[type]) };
	if (type === 'openAiCompatibleImageApi') return { ...base, dialect: 'openai' };
	if (type === 'vertexAiImageApi') return { ...base, authentication: 'serviceAccount', serviceAccountKey: double.vertex.serviceAccountKey(), location: 'global' };
	return base;
}

/** The credential type of each provider, as the node describes it. */
export const CREDENTIAL_TYPE_OF = Object.fromEntries(
	PROVIDER_IDS.map((id) => [id, PROVIDERS[id].credentialType as CredentialType]),
) as Record<string, CredentialType>;

/** Every credential placeholder (type, id, name) that the examples reference. */
export function credentialPlaceholders(examples: Example[]): Array<{ type: string; id: string; name: string }> {
	const seen = new Map<string, { type: string; id: string; name: string }>();
	for (const { workflow } of examples) {
		for (const node of nanoBananaNodes(workflow)) {
			for (const [type, ref] of Object.entries(node.credentials ?? {})) seen.set(ref.id, { type, ...ref });
		}
	}
	return [...seen.values()];
}

/**
 * Credentials with the placeholder ids the examples use, each filled in by `data(type)`.
 * Example: credentialsFor(examples, (type) => ({ apiKey, baseUrl: double.baseUrlFor(...) })).
 */
export function credentialsFor(
	examples: Example[],
	data: (type: CredentialType) => Record<string, string>,
): CredentialToImport[] {
	return credentialPlaceholders(examples).map(({ type, id, name }) => ({
		id,
		name,
		type,
		data: data(type as CredentialType),
	}));
}
