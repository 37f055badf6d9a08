/**
 * `npm run models:check` against the provider double's live lists (a real child process, as a user
 * or CI runs it), and the README's Models section generated from the catalogue.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { modelsTable, withTable } from '../../scripts/models-table';
import type { ProviderDouble } from '../double/providerDouble';
import { startProviderDouble } from '../double/providerDouble';

const root = path.join(__dirname, '..', '..');
const run = promisify(execFile);

async function check(double: ProviderDouble, withKey = true): Promise<{ code: number; out: string }> {
	const env = { ...process.env, GEMINI_BASE_URL: double.baseUrlFor('google'), OPENROUTER_BASE_URL: double.baseUrlFor('openRouter'), GEMINI_API_KEY: withKey ? double.apiKey : '' };
	try {
		const { stdout } = await run(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/models-check.ts'], { cwd: root, env });
		return { code: 0, out: stdout };
	} catch (error) {
		const e = error as { code: number; stdout: string; stderr: string };
		return { code: e.code, out: `${e.stdout}${e.stderr}` };
	}
}

describe('npm run models:check', () => {
	let double: ProviderDouble;
	beforeEach(async () => {
		double = await startProviderDouble();
	});
	afterEach(async () => await double.close());

	test("passes against today's lists", async () => {
		const { code, out } = await check(double);
		expect(out).toMatch(/Google Gemini API \(AI Studio\) \(5 image models listed\)/);
		expect(out).toMatch(/Every preset and default is listed\./);
		expect(code).toBe(0);
	});

	test('fails, naming it, when a default leaves the list; says which models are gone', async () => {
		double.gemini.settings.retired = ['gemini-nano-banana-2.1'];
		const { code, out } = await check(double);
		expect(code).toBe(1);
		expect(out).toMatch(/gone, the catalogue says served: gemini-nano-banana-2\.1\n/);
		expect(out).toMatch(/presets or defaults the list lacks: gemini-nano-banana-2\.1\n/);
	});

	test('names the models the catalogue does not know', async () => {
		double.gemini.settings.listExtra = ['gemini-4-flash-image'];
		const { code, out } = await check(double);
		expect(out).toMatch(/new, not in the catalogue: gemini-4-flash-image\n/);
		expect(code).toBe(0);
	});

	test("without GEMINI_API_KEY it checks OpenRouter's public list and says Google's was skipped", async () => {
		const { code, out } = await check(double, false);
		expect(out).toMatch(/Google's list skipped/);
		expect(out).toMatch(/OpenRouter \(5 image models listed\)/);
		expect(code).toBe(0);
	});
});

test("the README's Models section is the one the catalogue makes (npm run models:table)", () => {
	const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
	expect(withTable(readme)).toBe(readme);
	const table = modelsTable();
	expect(table).toMatch(/\| `gemini-3-pro-image-preview` \| Nano Banana Pro \(preview\) \| \*\*shut down 2026-06-25\*\*; sent as `gemini-3-pro-image` \|/);
	expect(table).toMatch(/\| `gemini-3-pro-image` \| Nano Banana Pro \| GA since 2026-05-28 \| 1K 2K 4K \| the 10 \| 14 \| \$0\.134 \(1K\), \$0\.134 \(2K\), \$0\.24 \(4K\) \|/);
});
