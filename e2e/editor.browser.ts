/**
 * The editor, in a real browser: n8n (2.8.4; `E2E_HOST=n8n-2.41` for the newest line) with the
 * packed package installed as a community node,
 * opened in headless Chromium (Debian's `chromium`, driven by playwright-core). A new workflow gets
 * a Manual Trigger and then the Nano Banana node, found by name in the node panel; its parameter
 * panel must show and hide fields as the node describes them, for each provider and operation; the
 * icon must load; and "Execute step" must put out a real image from the provider double.
 *
 * Screenshots go to test-results/browser/ (docs/screenshots/editor-panel.png is a copy of
 * 04-panel-executed.png). Run: npm run test:browser (about 1 minute once the n8n host is
 * installed). Needs `apt-get install chromium` (or CHROMIUM_PATH).
 *
 * n8n's editor shows no "Provider" field: the credential of each provider depends on it, so n8n
 * treats it as the node's authentication field and lets the credential picker set it (it lists
 * the credentials of all four providers). The test switches providers that way, as a user would.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

import type { INodeProperties } from 'n8n-workflow';

import { nodeProperties } from '../nodes/NanoBanana/ui/description';
import { startProviderDouble, type ProviderDouble } from '../test/double/providerDouble';
import { CREDENTIAL_TYPE_OF, credentialsFor, doubleCredentialData, loadExamples } from './lib/examples';
import { ensureN8nHost, freePort, N8nInstance, OWNER, packPackage, repoRoot, setupOwner } from './lib/n8nHost';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = path.join(repoRoot, 'test-results', 'browser');
/** The placeholder credentials of the examples (ids from examples/*.json), by provider. */
const CREDENTIAL_ID = {
	gptGe: 'nbExampleGptGe01',
	tuZi: 'nbExampleTuZi001',
	theTurbo: 'nbExampleTurbo01',
	openAiCompatible: 'nbExampleOpenAi1',
	google: 'nbExampleGoogle1',
	openRouter: 'nbExampleOpenRtr1',
	vertexAi: 'nbExampleVertex01',
};

let double: ProviderDouble;
let n8n: N8nInstance | undefined;
let browser: Browser;
let page: Page;
let url: string;
let work: string;

before(async () => {
	assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	mkdirSync(shots, { recursive: true });
	double = await startProviderDouble();
	if (process.env.NANO_BANANA_EDITOR_URL) {
		// development shortcut: an editor started by `npm run demo -- --editor`
		url = process.env.NANO_BANANA_EDITOR_URL;
	} else {
		const host = ensureN8nHost();
		work = mkdtempSync(path.join(tmpdir(), 'nano-banana-browser-'));
		const tarball = packPackage(work);
		n8n = await N8nInstance.create(host, { binaryMode: 'filesystem' });
		n8n.installPackage(tarball);
		const examples = loadExamples();
		n8n.importCredentials(
			credentialsFor(examples, (type) => doubleCredentialData(double, type)),
		);
		url = await n8n.start(await freePort());
		await setupOwner(url);
	}
	browser = await chromium.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
	});
	page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
	page.setDefaultTimeout(20_000);
});

after(async () => {
	await browser?.close();
	await n8n?.close();
	await double?.close();
	if (work) rmSync(work, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`) });

/** Names of the node parameters the panel shows now (from data-test-id="parameter-input-<name>"). */
async function shownParameters(): Promise<string[]> {
	const ids = await page
		.locator('[data-test-id=node-parameters] [data-test-id^="parameter-input-"]:visible')
		.evaluateAll((els) => els.map((e) => e.getAttribute('data-test-id') ?? ''));
	const names = ids.map((id) => id.replace('parameter-input-', '')).filter((n) => !['field', 'item', 'options-container'].includes(n));
	return [...new Set(names)];
}

type ProviderId = keyof typeof CREDENTIAL_ID;

/**
 * The fields the panel should show, from the node's own description: every parameter whose
 * displayOptions match, in order, except `provider` (n8n shows the credential picker instead) and
 * the Options collection (checked on its own).
 */
/** Whether a property shows for these values, as its displayOptions say (a `/` before a key: the node's own parameter, from inside a collection). */
function shows(p: INodeProperties | { displayOptions?: INodeProperties['displayOptions'] }, values: Record<string, unknown>): boolean {
	// A displayOptions value is a plain value, or n8n's condition ({_cnd: {gte: 2}}).
	const holds = (wanted: unknown, value: unknown): boolean => {
		const cnd = (wanted as { _cnd?: Record<string, number> } | null)?._cnd;
		if (!cnd) return wanted === value;
		return Object.entries(cnd).every(([op, n]) => (op === 'gte' ? Number(value) >= n : op === 'lte' ? Number(value) <= n : op === 'eq' ? value === n : false));
	};
	const value = (key: string) => values[key.replace(/^\//, '')];
	const { show, hide } = p.displayOptions ?? {};
	for (const [key, allowed] of Object.entries(show ?? {})) if (!(allowed as unknown[]).some((a) => holds(a, value(key)))) return false;
	for (const [key, denied] of Object.entries(hide ?? {})) if ((denied as unknown[]).some((d) => holds(d, value(key)))) return false;
	return true;
}

function expectedFields(provider: ProviderId, operation: string, imageSource: 'binary' | 'url' = 'binary', more: Record<string, unknown> = {}): string[] {
	// The editor adds new nodes at the node's default version (3).
	const values: Record<string, unknown> = { provider, operation, imageSource, '@version': 3, ...more };
	const names = nodeProperties.filter((p) => p.name !== 'provider' && p.type !== 'collection' && shows(p, values)).map((p) => p.name);
	return [...new Set(names)];
}

/** The options the collection offers for these values, as their displayOptions say. */
const optionNames = (provider: ProviderId, operation: string, imageSource: 'binary' | 'url' = 'binary'): string[] =>
	((nodeProperties.find((p) => p.name === 'options')?.options ?? []) as INodeProperties[])
		.filter((o) => shows(o, { provider, operation, imageSource, '@version': 3 }))
		.map((o) => String(o.displayName))
		.sort();

async function expectFields(provider: ProviderId, operation: 'generate' | 'edit', imageSource: 'binary' | 'url' = 'binary'): Promise<string[]> {
	const shown = await shownParameters();
	assert.deepEqual(shown, expectedFields(provider, operation, imageSource), `fields for ${provider} / ${operation} / ${imageSource}`);
	assert.ok(!shown.includes('provider'), 'n8n shows the provider through the credential picker only');
	return shown;
}

/**
 * Opens the panel of a fresh Nano Banana node. Normally the node-panel test has already added one;
 * if that failed (so the later checks still run), a workflow with a Manual Trigger and a new Nano
 * Banana node is created through n8n's REST API, with the editor's own session.
 */
async function ensurePanelOpen(): Promise<void> {
	if (await page.locator('[data-test-id=ndv]').isVisible()) return;
	const id = await page.evaluate(async (nodeType) => {
		const g = globalThis as unknown as { localStorage: { getItem(k: string): string | null }; fetch: typeof fetch };
		const res = await g.fetch('/rest/workflows', {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': g.localStorage.getItem('n8n-browserId') ?? '' },
			body: JSON.stringify({
				name: 'Nano Banana (browser test fallback)',
				nodes: [
					{ id: 'a0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					{ id: 'a0000000-0000-4000-8000-000000000002', name: 'Nano Banana', type: nodeType, typeVersion: 1, position: [240, 0], parameters: {} },
				],
				connections: { Start: { main: [[{ node: 'Nano Banana', type: 'main', index: 0 }]] } },
				settings: { executionOrder: 'v1' },
			}),
		});
		return ((await res.json()) as { data: { id: string } }).data.id;
	}, 'n8n-nodes-nano-banana.nanoBanana');
	await page.goto(`${url}/workflow/${id}`);
	await page.locator('[data-test-id=canvas-node]', { hasText: 'Nano Banana' }).dblclick();
	await page.locator('[data-test-id=ndv]').waitFor();
}

async function pick(select: Locator, optionText: string | RegExp): Promise<void> {
	await select.locator('input').first().click();
	const option = page.locator('.el-select-dropdown__item:visible').filter({ hasText: optionText }).first();
	await option.click();
	await page.waitForTimeout(300);
}

async function chooseCredential(provider: keyof typeof CREDENTIAL_ID): Promise<void> {
	await page.locator('[data-test-id=node-credentials-select] input').first().click();
	await page.locator(`[data-test-id=node-credentials-select-item-${CREDENTIAL_ID[provider]}]`).click();
	await page.waitForTimeout(500);
}

async function imageLoaded(img: Locator): Promise<{ src: string; width: number }> {
	await img.waitFor();
	// (runs in the page; the DOM types are not part of this project's TypeScript settings)
	type Img = { complete: boolean; src: string; naturalWidth: number; addEventListener(type: string, fn: () => void, o: object): void };
	return await img.evaluate(async (el) => {
		const image = el as unknown as Img;
		if (!image.complete) await new Promise<void>((r) => image.addEventListener('load', () => r(), { once: true }));
		return { src: image.src, width: image.naturalWidth };
	});
}

test('sign in to the editor', async () => {
	await page.goto(`${url}/signin`);
	await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
	await page.fill('input[name=password]', OWNER.password);
	await page.click('[data-test-id=form-submit-button]');
	await page.waitForURL(/\/(home|workflows)/);
});

test('the node panel finds Nano Banana by name, with its icon, and adds it after a trigger', async () => {
	await page.goto(`${url}/workflow/new`);
	await page.click('[data-test-id=canvas-add-button]');
	await page.locator('[data-test-id=node-creator-search-bar]').fill('manual');
	await page.keyboard.press('Enter');
	await page.locator('[data-test-id=canvas-trigger-node]').waitFor();
	await page.keyboard.press('Escape');

	await page.locator('[data-test-id=canvas-handle-plus]').last().click();
	await page.locator('[data-test-id=node-creator-search-bar]').fill('Nano Banana');
	const item = page
		.locator('[data-test-id=item-iterator-item]')
		.filter({ has: page.locator('[data-test-id=node-creator-item-name]', { hasText: /^Nano Banana$/ }) })
		.first();
	await item.waitFor({ timeout: 10_000 }).catch(async () => {
		await shot('01-node-creator-search-failed');
		const seen = (await page.locator('[data-test-id=node-creator]').innerText()).replace(/\s+/g, ' ');
		assert.fail(`"Nano Banana" is not in the node panel's search. The panel shows: ${seen.slice(0, 300)}`);
	});
	const icon = await imageLoaded(item.locator('img').first());
	assert.match(icon.src, /\/icons\/n8n-nodes-nano-banana\/dist\/nodes\/NanoBanana\/nanoBanana(\.dark)?\.svg$/);
	assert.ok(icon.width > 0, 'the node icon did not load');
	await shot('01-node-creator');

	await item.click();
	// the node's actions, from the operation's `action` texts
	const actions = page.locator('[data-test-id=node-creator] [data-test-id=item-iterator-item]');
	const generate = actions.filter({ hasText: 'Generate an image from text' }).first();
	await generate.waitFor();
	await actions.filter({ hasText: 'Edit images with a text prompt' }).first().waitFor();
	// One action each: the operation fields per provider must not list them twice.
	assert.equal(await actions.filter({ hasText: 'Generate an image from text' }).count(), 1);
	await generate.click();
	await page.locator('[data-test-id=ndv]').waitFor();
});

test('the panel shows the generate fields, hides the edit ones, and lists the options', async () => {
	await ensurePanelOpen();
	const ndv = page.locator('[data-test-id=ndv]');
	const header = await imageLoaded(ndv.locator('img[src*="nanoBanana"]').first());
	assert.ok(header.width > 0, 'the panel header icon did not load');

	// no credential chosen yet: the picker offers the credentials of every provider
	await page.locator('[data-test-id=node-credentials-select] input').first().click();
	for (const id of Object.values(CREDENTIAL_ID)) {
		await page.locator(`[data-test-id=node-credentials-select-item-${id}]`).waitFor();
	}
	await page.keyboard.press('Escape');

	await chooseCredential('gptGe');
	const shown = await expectFields('gptGe', 'generate');
	// as designed: the edit inputs stay hidden for Generate
	assert.ok(!shown.includes('imageProperties') && !shown.includes('maskProperty'));
	assert.deepEqual(shown.slice(0, 3), ['operation', 'model', 'prompt']);
	assert.equal(await page.locator('[data-test-id=parameter-input-model] input').first().inputValue(), 'nano-banana');
	assert.equal(await page.locator('[data-test-id=parameter-input-operation] input').first().inputValue(), 'Generate');

	await page.locator('[data-test-id=parameter-input-prompt] textarea').first().fill('A studio photo of a teal ceramic mug on an oak table, soft light');
	await pick(page.locator('[data-test-id=parameter-input-aspectRatio]'), /^16:9/);
	await pick(page.locator('[data-test-id=parameter-input-resolution]'), /^2K/);

	// Options: every option of the collection is offered
	await page.locator('[data-test-id=collection-parameter-add]').click();
	await page.locator('[data-test-id=collection-parameter-option]:visible').first().waitFor();
	const options = await page.locator('[data-test-id=collection-parameter-option]:visible').allInnerTexts();
	assert.deepEqual(options.map((o) => o.trim()).sort(), optionNames('gptGe', 'generate'));
	assert.ok(!options.some((o) => o.trim() === 'Allowed Link Hosts'), 'Allowed Link Hosts is for Edit with links only');
	for (const name of ['Number of Images', 'Response Format', 'Output Binary Property', 'Extra Request Fields (JSON)', 'Input Media Resolution', 'Timeout (Seconds)']) {
		assert.ok(options.some((o) => o.trim() === name), `option "${name}" missing`);
	}
	await page.keyboard.press('Escape');
	await shot('02-panel-generate');
});

test('Edit shows the input image and mask fields where the provider takes a mask', async () => {
	await pick(page.locator('[data-test-id=parameter-input-operation]'), /^Edit/);
	let shown = await expectFields('gptGe', 'edit');
	assert.ok(shown.includes('imageProperties') && shown.includes('maskProperty'), 'V-API edits take images and a mask');
	assert.equal(await page.locator('[data-test-id=parameter-input-imageProperties] input').first().inputValue(), 'data');

	// Image Source: Image URLs swaps the binary property fields for the link fields
	await pick(page.locator('[data-test-id=parameter-input-imageSource]'), /^Image URLs/);
	shown = await expectFields('gptGe', 'edit', 'url');
	assert.ok(shown.includes('imageUrls') && shown.includes('maskUrl') && !shown.includes('imageProperties'), 'links instead of binary properties');
	// With links, the options offer Allowed Link Hosts.
	await page.locator('[data-test-id=collection-parameter-add]').click();
	await page.locator('[data-test-id=collection-parameter-option]:visible').first().waitFor();
	const linkOptions = (await page.locator('[data-test-id=collection-parameter-option]:visible').allInnerTexts()).map((o) => o.trim()).sort();
	assert.deepEqual(linkOptions, optionNames('gptGe', 'edit', 'url'));
	assert.ok(linkOptions.includes('Allowed Link Hosts'), 'Allowed Link Hosts missing for Edit with links');
	await page.keyboard.press('Escape');
	await shot('03b-panel-edit-image-urls');
	await pick(page.locator('[data-test-id=parameter-input-imageSource]'), /^Binary Properties/);
	await expectFields('gptGe', 'edit');

	// TheTurbo takes no mask; its own model list starts at its usual model
	await chooseCredential('theTurbo');
	shown = await expectFields('theTurbo', 'edit');
	assert.ok(shown.includes('imageProperties') && !shown.includes('maskProperty'), 'TheTurbo takes no mask');
	await shot('03-panel-edit-theturbo');

	await chooseCredential('tuZi');
	shown = await expectFields('tuZi', 'edit');
	assert.ok(shown.includes('maskProperty'), 'Tu-zi takes a mask');

	await chooseCredential('openAiCompatible');
	await expectFields('openAiCompatible', 'edit');

	// Google's Gemini API, OpenRouter and Vertex AI take no mask either
	for (const provider of ['google', 'openRouter', 'vertexAi'] as const) {
		await chooseCredential(provider);
		shown = await expectFields(provider, 'edit');
		assert.ok(shown.includes('imageProperties') && !shown.includes('maskProperty'), `${provider} takes no mask`);
		// Output Format and JPEG Quality are Vertex AI's (imageOutputOptions): offered there only.
		await page.locator('[data-test-id=collection-parameter-add]').click();
		await page.locator('[data-test-id=collection-parameter-option]:visible').first().waitFor();
		const offeredOptions = (await page.locator('[data-test-id=collection-parameter-option]:visible').allInnerTexts()).map((o) => o.trim()).sort();
		await page.keyboard.press('Escape');
		assert.deepEqual(offeredOptions, optionNames(provider, 'edit'), `${provider}'s options`);
		assert.equal(offeredOptions.includes('Output Format') && offeredOptions.includes('JPEG Quality'), provider === 'vertexAi', `${provider}: ${offeredOptions.join(' | ')}`);
		if (provider === 'vertexAi') await shot('03e-panel-edit-vertex-ai');
		// The picker is the catalogue's: today's models by name, none that Google shut down.
		const model = page.locator('[data-test-id=parameter-input-model]');
		await model.locator('input').first().click();
		await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Nano Banana 2.1' }).first().waitFor();
		const models = (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((t) => t.trim());
		if (provider === 'google') await shot('03d-model-list-google');
		await page.keyboard.press('Escape');
		const slug = (id: string) => (provider === 'openRouter' ? `google/${id}` : id);
		for (const [name, id] of [['Nano Banana 2.1', 'gemini-nano-banana-2.1'], ['Nano Banana Pro', 'gemini-3-pro-image'], ['Nano Banana 2 Lite', 'gemini-3.1-flash-lite-image']]) {
			assert.ok(models.some((t) => t.startsWith(`${name} (${slug(id)})`)), `${provider} offers ${name}: ${models.join(' | ')}`);
		}
		assert.ok(!models.some((t) => /^Nano Banana .*-preview\)/.test(t)), `${provider} offers a shut-down model: ${models.join(' | ')}`);
	}
	const ratios = page.locator('[data-test-id=parameter-input-aspectRatio]');
	await ratios.locator('input').first().click();
	await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Match First Input Image' }).first().waitFor({ timeout: 10_000 }).catch(() => undefined);
	const offered = (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((t) => t.trim());
	await page.keyboard.press('Escape');
	assert.ok(offered.some((t) => t.startsWith('Match First Input Image')), `Edit offers Match First Input Image: ${offered.join(' | ')}`);
	assert.ok(offered.some((t) => t.startsWith('1:8')), `Nano Banana 2's 1:8 is offered: ${offered.join(' | ')}`);
	await shot('03c-panel-edit-openrouter');

	// back to Generate: the edit fields go away again
	await pick(page.locator('[data-test-id=parameter-input-operation]'), /^Generate/);
	shown = await expectFields('openAiCompatible', 'generate');
	assert.ok(!shown.includes('imageProperties'));
});

test('after the provider changes, the model list offers that provider\'s models and flags the one carried over', async () => {
	// n8n keeps a parameter's value when the credential switches the provider (all four model
	// fields are named `model`, as workflows rely on). The list must then show the new provider's
	// models and say that the kept one belongs to another provider.
	await chooseCredential('gptGe');
	await pick(page.locator('[data-test-id=parameter-input-model]'), /^nano-banana(?!-)/);
	await chooseCredential('theTurbo');
	const model = page.locator('[data-test-id=parameter-input-model]');
	await model.locator('input').first().click();
	// The list loads from the node's getModels method: wait for it.
	await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'not listed for' }).first().waitFor();
	await page.waitForTimeout(300);
	const listed = (await page.locator('.el-select-dropdown__item:visible').allInnerTexts()).map((t) => t.trim());
	await shot('03b-model-after-provider-change');
	await page.keyboard.press('Escape');
	for (const id of ['gemini-2.5-flash-image', 'gemini-3-pro-image', 'gemini-3.1-flash-image']) {
		assert.ok(listed.some((t) => t.startsWith(id)), `TheTurbo's ${id} is not offered: ${listed.join(' | ')}`);
	}
	assert.ok(
		listed.some((t) => t.startsWith('nano-banana (not listed for TheTurbo (Zenlayer))')),
		`the carried-over model is not flagged: ${listed.join(' | ')}`,
	);
	await pick(model, /^gemini-3-pro-image/);
	assert.equal(await model.locator('input').first().inputValue(), 'gemini-3-pro-image');
});

/** The choices a select field offers now. */
async function choices(select: Locator): Promise<string[]> {
	await select.locator('input').first().click();
	const items = page.locator('.el-select-dropdown__item:visible');
	await items.first().waitFor();
	const texts = (await items.allInnerTexts()).map((t) => t.split('\n')[0].trim());
	await page.keyboard.press('Escape');
	return texts;
}

/** The options the collection offers now. */
async function offeredOptions(): Promise<string[]> {
	await page.locator('[data-test-id=collection-parameter-add]').click();
	await page.locator('[data-test-id=collection-parameter-option]:visible').first().waitFor();
	const options = (await page.locator('[data-test-id=collection-parameter-option]:visible').allInnerTexts()).map((o) => o.trim()).sort();
	await page.keyboard.press('Escape');
	return options;
}

test("Google's Gemini API offers batch mode and Service Tier; other providers Generate and Edit only", async () => {
	await ensurePanelOpen();
	const operation = page.locator('[data-test-id=parameter-input-operation]');
	await chooseCredential('gptGe');
	assert.deepEqual(await choices(operation), ['Generate', 'Edit']);
	await chooseCredential('google');
	assert.deepEqual(await choices(operation), ['Generate', 'Edit', 'Submit Batch', 'Get Batch', 'Cancel Batch']);
	await pick(operation, /^Generate/);
	const generateOptions = await offeredOptions();
	assert.deepEqual(generateOptions, optionNames('google', 'generate'));
	assert.ok(generateOptions.includes('Service Tier'), 'Service Tier missing on Google');

	// Submit Batch: the generate fields and the job's own; Requests: Edit swaps in the edit inputs.
	await pick(operation, /^Submit Batch/);
	assert.deepEqual(await shownParameters(), expectedFields('google', 'submitBatch', 'binary', { batchOf: 'generate', waitForCompletion: false }));
	const batchOptions = await offeredOptions();
	assert.deepEqual(batchOptions, optionNames('google', 'submitBatch'));
	assert.ok(batchOptions.includes('Batch Display Name') && !batchOptions.includes('Service Tier') && !batchOptions.includes('Concurrency'), batchOptions.join(', '));
	await pick(page.locator('[data-test-id=parameter-input-batchOf]'), /^Edit/);
	const editShown = await shownParameters();
	assert.deepEqual(editShown, expectedFields('google', 'submitBatch', 'binary', { batchOf: 'edit', waitForCompletion: false }));
	assert.ok(editShown.includes('imageSource') && editShown.includes('imageProperties'), editShown.join(', '));
	await shot('03c-panel-submit-batch');

	// Get Batch names a job: no prompt, model or image settings.
	await pick(operation, /^Get Batch/);
	assert.deepEqual(await shownParameters(), ['operation', 'batchName']);
	await pick(operation, /^Generate/);
	// The model field came back, and with it a load of Google's model list: let it arrive here, not in the next test.
	await settled();
});

/** Until the double has had no request for a second (the editor loads option lists on its own time). */
async function settled(): Promise<void> {
	for (let seen = -1, n = 0; seen !== double.requests.length && n < 20; n++) {
		seen = double.requests.length;
		await page.waitForTimeout(1000);
	}
}

type TestAnswer = { saved: number | string; data?: { status?: string; message?: string } };

/**
 * What the editor does when a user saves a credential in its dialog: save it (POST
 * /rest/credentials), then ask n8n to test the saved credential (POST /rest/credentials/test with
 * its id: 2.41 requires the id, 2.8 takes it). n8n runs the credential type's test.
 */
async function saveAndTest(type: string, data: Record<string, string>, name: string): Promise<TestAnswer> {
	const answer = await page.evaluate(
		async ({ type, data, name }) => {
			const g = globalThis as unknown as { localStorage: { getItem(k: string): string | null }; fetch: typeof fetch };
			const headers = { 'content-type': 'application/json', 'browser-id': g.localStorage.getItem('n8n-browserId') ?? '' };
			const saved = await g.fetch('/rest/credentials', { method: 'POST', headers, body: JSON.stringify({ name, type, data }) });
			const id = ((await saved.json()) as { data?: { id?: string } }).data?.id;
			if (!id) return { saved: saved.status };
			const res = await g.fetch('/rest/credentials/test', {
				method: 'POST',
				headers,
				body: JSON.stringify({ credentials: { id, name, type, data } }),
			});
			return { saved: saved.status, ...((await res.json()) as { data?: { status?: string; message?: string } }) };
		},
		{ type, data, name },
	).then((answer) => answer, (error: unknown) => ({ saved: String(error) }));
	return answer as TestAnswer;
}

test("each saved credential's test really checks the key against the gateway's model list", async () => {
	// The key-based credentials' test is their type's own `test` request (GET {base}/v1/models
	// with the Bearer key); Vertex AI's is its own method (the next test).
	const dialects = { gptGe: 'gptGe', tuZi: 'tuZi', theTurbo: 'theTurbo', openAiCompatible: 'openai', google: 'google', openRouter: 'openRouter' } as const;
	const types = CREDENTIAL_TYPE_OF as Record<keyof typeof dialects, string>;
	// What each credential's test asks, and how the key travels (Google: x-goog-api-key; OpenRouter's
	// model list needs no key, so its test asks about the key itself).
	const testPath = (provider: keyof typeof dialects) => (provider === 'google' ? '/v1beta/models' : provider === 'openRouter' ? '/v1/key' : '/v1/models');
	const carriesKey = (provider: keyof typeof dialects, r: { headers: Record<string, string | string[] | undefined> }, apiKey: string) =>
		provider === 'google' ? r.headers['x-goog-api-key'] === apiKey && r.headers.authorization === undefined : r.headers.authorization === `Bearer ${apiKey}`;
	const results: string[] = [];
	for (const provider of Object.keys(dialects) as Array<keyof typeof dialects>) {
		for (const [label, apiKey, baseUrl] of [
			['right key', double.apiKey, double.baseUrlFor(dialects[provider])],
			['right key, base URL ending in /v1/', double.apiKey, `${double.baseUrlFor(dialects[provider])}${provider === 'google' ? '/v1beta/' : '/v1/'}`],
			['wrong key', 'sk-wrong-0123456789abcdef', double.baseUrlFor(dialects[provider])],
		] as const) {
			const data = { apiKey, baseUrl, ...(provider === 'openAiCompatible' ? { dialect: 'openai' } : {}) };
			const name = `${provider}: ${label}`;
			double.reset();
			const testAnswer = await saveAndTest(types[provider], data, name);
			assert.equal(testAnswer.saved, 200, `${name}: saving the credential answered ${testAnswer.saved}`);
			const asked = double.requests.map((r) => `${r.method} ${r.path} ${String(carriesKey(provider, r, apiKey))}`);
			results.push(`${name}: ${testAnswer.data?.status} (${testAnswer.data?.message}) ${asked.join(', ')}`);
			assert.equal(testAnswer.data?.status, label === 'wrong key' ? 'Error' : 'OK', results.at(-1));
			// n8n's tester sends a request once more after a 401.
			assert.ok(asked.length >= 1 && asked.every((a) => a === `GET ${testPath(provider)} true`), results.at(-1));
			if (label !== 'wrong key') assert.equal(asked.length, 1, results.at(-1));
		}
	}
});

test("the Vertex AI credential's test signs a token and proves the project, or says what to fix", async () => {
	// Vertex AI's test is the credential's own method (n8n's credential test functions): a token
	// from the key's token_uri, then a free countTokens call in the project and location. Each
	// case has a key of its own, since n8n keeps a key's token for the whole process.
	const countTokens = (path: string) => /^\/v1\/(projects\/[^/]+\/locations\/global\/)?publishers\/google\/models\/[^/]+:countTokens$/.test(path);
	const serviceAccount = (n: number, projectId = '') => ({
		authentication: 'serviceAccount',
		serviceAccountKey: double.vertex.serviceAccountKey({ token_uri: `${double.url}/vertex/token?browser=${n}` }),
		projectId,
		location: 'global',
		baseUrl: double.baseUrlFor('vertex'),
	});
	const express = (apiKey: string) => ({ authentication: 'expressApiKey', apiKey, location: 'global', baseUrl: double.baseUrlFor('vertex') });
	const cases = [
		{ label: 'service account', data: serviceAccount(1), status: 'OK', asks: ['POST /token', 'POST count Bearer'] },
		{ label: 'service account, a project it may not use', data: serviceAccount(2, 'someone-elses-project'), status: 'Error', asks: ['POST /token', 'POST count Bearer'], says: /roles\/aiplatform\.user/ },
		{ label: 'service account, a key that is not JSON', data: { ...serviceAccount(3), serviceAccountKey: '{"type": "service_account",' }, status: 'Error', asks: [], says: /JSON/ },
		{ label: 'Express Mode key', data: express(double.apiKey), status: 'OK', asks: ['POST count key'] },
		{ label: 'Express Mode, wrong key', data: express('AQ.wrong-express-key-42'), status: 'Error', asks: ['POST count key'], says: /API key not valid/ },
	];
	for (const c of cases) {
		double.reset();
		const name = `vertexAi: ${c.label}`;
		const answer = await saveAndTest('vertexAiImageApi', c.data, name);
		assert.equal(answer.saved, 200, `${name}: saving the credential answered ${answer.saved}`);
		const asked = double.requests.map((r) => {
			if (!countTokens(r.path)) return `${r.method} ${r.path}`;
			const how = String(r.headers.authorization ?? '').startsWith('Bearer ya29.') ? 'Bearer' : r.headers['x-goog-api-key'] === (c.data as { apiKey?: string }).apiKey ? 'key' : 'none';
			return `${r.method} count ${how}`;
		});
		const seen = `${name}: ${answer.data?.status} (${answer.data?.message}) ${asked.join(', ')}`;
		assert.equal(answer.data?.status, c.status, seen);
		assert.deepEqual(asked, c.asks, seen);
		if (c.says) assert.match(String(answer.data?.message), c.says, seen);
		assert.doesNotMatch(String(answer.data?.message), /PRIVATE KEY|ya29\.|AQ\.wrong/, `${name}: a secret in the message`);
	}
});

test('"Execute step" in the editor makes a real image through the provider double', async () => {
	await ensurePanelOpen();
	await chooseCredential('gptGe');
	await pick(page.locator('[data-test-id=parameter-input-model]'), /^nano-banana(?!-)/);
	await page.locator('[data-test-id=parameter-input-prompt] textarea').first().fill('A studio photo of a teal ceramic mug on an oak table, soft light');
	await pick(page.locator('[data-test-id=parameter-input-aspectRatio]'), /^16:9/);
	// V-API's flash models are 1K only: "Auto" is what this route honours (2K would be a warning).
	await pick(page.locator('[data-test-id=parameter-input-resolution]'), /^Auto/);
	double.reset();
	await page.locator('[data-test-id=ndv] [data-test-id=node-execute-button]').first().click();
	const output = page.locator('[data-test-id=ndv-output-panel], [data-test-id=output-panel]').first();
	await output.getByText(/nano-banana-0-0\.png/).first().waitFor({ timeout: 60_000 });
	const gen = double.requests.find((r) => r.path === '/v1/images/generations');
	assert.ok(gen, 'the double received no generation request');
	assert.equal(gen.dialect, 'gptGe');
	assert.equal(gen.json?.model, 'nano-banana');
	assert.equal(gen.json?.size, '16:9');
	assert.equal(gen.json?.prompt, 'A studio photo of a teal ceramic mug on an oak table, soft light');
	// The screenshot is the README's: the settings it shows must be ones the route honours.
	await shot('04-panel-executed');
	// The screenshot is the README's: the settings it shows must be ones the route honours, so
	// the item has no `warnings`. Read the item in the output's JSON view.
	await output.getByText(/^JSON$/).first().click();
	const json = output.getByText(/"width"/).first();
	await json.waitFor().catch(async (error: unknown) => {
		await shot('04-panel-executed-no-json');
		throw error;
	});
	const text = await output.innerText();
	assert.match(text, /"width":\s*1344/);
	assert.match(text, /"height":\s*768/);
	assert.doesNotMatch(text, /"warnings"/, 'the executed node reports warnings: the panel shows a setting V-API cannot honour');
	await page.keyboard.press('Escape');
	await page.locator('[data-test-id=ndv]').waitFor({ state: 'hidden' });
	const canvasIcon = await imageLoaded(page.locator('[data-test-id=canvas-node] img[src*="nanoBanana"]').first());
	assert.ok(canvasIcon.width > 0, 'the canvas icon did not load');
	await shot('05-canvas');
});

test('the credential dialog shows each new credential with its fields', async () => {
	// Opened the way a user opens a saved credential from the Credentials list.
	const expected = {
		google: ['API Key', 'Base URL', 'Max Requests in Flight'],
		openRouter: ['API Key', 'Base URL', 'Max Requests in Flight'],
		openAiCompatible: ['API Key', 'Base URL', 'Endpoint', 'Field Dialect', 'Max Requests in Flight'],
		vertexAi: ['Authentication', 'Service Account Key (JSON)', 'Project ID', 'Location', 'Base URL', 'Max Requests in Flight'],
	} as const;
	for (const [provider, labels] of Object.entries(expected) as Array<[keyof typeof expected, readonly string[]]>) {
		await page.goto(`${url}/home/credentials/${CREDENTIAL_ID[provider]}`);
		const fields = page.locator('[data-test-id=credential-connection-parameter]');
		await fields.first().waitFor({ timeout: 30_000 });
		await page.waitForTimeout(300);
		const texts = (await fields.allInnerTexts()).map((t) => t.trim());
		for (const label of labels) assert.ok(texts.some((t) => t.startsWith(label)), `${provider}: no "${label}" field in ${JSON.stringify(texts)}`);
		if (provider === 'google') {
			const base = await page.locator('[data-test-id=credential-connection-parameter] [data-test-id=parameter-input-baseUrl] input').first().inputValue();
			assert.equal(base, double.baseUrlFor('google'));
		}
		await shot(`06-credential-${provider}`);
		await page.keyboard.press('Escape');
	}
});
