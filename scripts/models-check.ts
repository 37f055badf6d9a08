/**
 * npm run models:check: the model catalogue (nodes/NanoBanana/models/catalogue.ts) against the live
 * model lists: Google's `GET /v1beta/models` (with GEMINI_API_KEY) and OpenRouter's public
 * `/v1/models?output_modalities=image`. Prints the models that are new (listed, not in the
 * catalogue), gone (in the catalogue as served, no longer listed) and listed again after their
 * shutdown; exits 1 when a preset or a default of the node is not in a list.
 *
 *   GEMINI_API_KEY=... npm run models:check           the live services
 *   npm run models:check -- --double                  the provider double's lists (what CI runs)
 * GEMINI_BASE_URL and OPENROUTER_BASE_URL point it at another host.
 */
import { CATALOGUE } from '../nodes/NanoBanana/models/catalogue';
import { catalogueRecord, nameOn } from '../nodes/NanoBanana/models/lookup';
import { modelIds } from '../nodes/NanoBanana/models/modelList';
import { presetsFor } from '../nodes/NanoBanana/models/presets';
import type { Provider } from '../nodes/NanoBanana/route/providers';
import { PROVIDERS } from '../nodes/NanoBanana/route/providers';
import { startProviderDouble } from '../test/double/providerDouble';

interface Source {
	provider: Provider;
	baseUrl: string;
	headers: Record<string, string>;
	/** Keep the list's IDs that are Google's image models on this provider. */
	keep: (id: string) => boolean;
}

async function listed(source: Source): Promise<string[]> {
	const list = source.provider.modelList;
	if (!list) throw new Error(`${source.provider.displayName} has no model list`);
	const url = `${source.baseUrl}${list.path}`;
	const answer = await fetch(url, { headers: source.headers });
	if (!answer.ok) throw new Error(`${url} answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
	return modelIds(await answer.json(), { ...list, imageOnly: true }).filter(source.keep);
}

/** Compare one provider's list with the catalogue; the presets and defaults the list lacks. */
function compare(source: Source, live: string[]): string[] {
	const { provider } = source;
	const names = (status: (s: string) => boolean) => CATALOGUE.filter((m) => status(m.lifecycle.status)).map((m) => nameOn(provider, m));
	const known = new Set(names(() => true));
	const served = names((s) => s !== 'shutDown');
	const report = (label: string, ids: string[]) => console.log(`  ${label}: ${ids.length === 0 ? 'none' : ids.join(', ')}`);
	console.log(`${provider.displayName} (${live.length} image models listed)`);
	report('new, not in the catalogue', live.filter((id) => !known.has(id)));
	report('gone, the catalogue says served', served.filter((id) => !live.includes(id)));
	report('listed again after their shutdown', names((s) => s === 'shutDown').filter((id) => live.includes(id)));
	// A shut-down default is fine: the node sends its replacement.
	const needed = [...presetsFor(provider).map((p) => p.value), provider.defaultModel, provider.currentDefault]
		.filter((id): id is string => id !== undefined)
		.filter((id) => catalogueRecord(provider, id)?.lifecycle.status !== 'shutDown');
	const missing = [...new Set(needed)].filter((id) => !live.includes(id));
	report('presets or defaults the list lacks', missing);
	return missing;
}

async function main(): Promise<number> {
	let googleBase = process.env.GEMINI_BASE_URL ?? 'https://generativelanguage.googleapis.com';
	let openRouterBase = process.env.OPENROUTER_BASE_URL ?? 'https://openrouter.ai/api';
	let key = process.env.GEMINI_API_KEY;
	let close = async () => {};
	if (process.argv.includes('--double')) {
		const double = await startProviderDouble();
		[googleBase, openRouterBase, key] = [double.baseUrlFor('google'), double.baseUrlFor('openRouter'), double.apiKey];
		close = async () => await double.close();
		console.log(`Against the provider double at ${double.url}`);
	}
	const sources: Source[] = [
		{ provider: PROVIDERS.openRouter, baseUrl: openRouterBase, headers: {}, keep: (id) => id.startsWith('google/') },
	];
	if (key) sources.unshift({ provider: PROVIDERS.google, baseUrl: googleBase, headers: { 'x-goog-api-key': key }, keep: () => true });
	else console.log("Google's list skipped: set GEMINI_API_KEY to check it");
	let missing = 0;
	try {
		for (const source of sources) missing += compare(source, await listed(source)).length;
	} finally {
		await close();
	}
	console.log(missing === 0 ? 'Every preset and default is listed.' : `${missing} preset(s) or default(s) are not listed: update the catalogue.`);
	return missing === 0 ? 0 : 1;
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(`models:check failed: ${(error as Error).message}`);
		process.exit(2);
	},
);
