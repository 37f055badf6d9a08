/**
 * The OpenAI Images route of the seed gateways' dialects: `POST /v1/images/generations` (JSON) and
 * `/v1/images/edits` (multipart), each dialect's fields read as its seed documents them, a real
 * image of the size the request implies made per image, answered as `url`, `b64_json` or a data
 * URL (see providerDouble.ts for the size rules).
 */
import { ERROR_BODIES, MAX_PIXELS, MAX_SIDE, bad } from './doubleErrors';
import type { Answer } from './doubleKit';
import { HttpError, headerValue, jsonAnswer, nextSeed, nowSeconds } from './doubleKit';
import type { Dialect, DoubleSettings, RecordedFile, RecordedRequest } from './doubleTypes';
import { RATIOS } from './doubleTypes';
import { encodeJpeg, encodePng } from './images';
import type { ParsedBody } from './multipart';

export interface ImagesRouteContext {
	readonly settings: DoubleSettings;
	storeImage(bytes: Buffer, format: 'png' | 'jpeg'): string;
}

type Tier = 1 | 2 | 4;

function ratioOf(value: string | undefined): string | undefined {
	const v = value?.trim();
	return v !== undefined && Object.prototype.hasOwnProperty.call(RATIOS, v) ? v : undefined;
}

function dimsOf(value: string | undefined): [number, number] | undefined {
	const m = /^\s*(\d{1,6})\s*[xX×*]\s*(\d{1,6})\s*$/.exec(value ?? '');
	if (!m) return undefined;
	const w = Number(m[1]);
	const h = Number(m[2]);
	return w > 0 && h > 0 ? [w, h] : undefined;
}

function tierOf(value: string | undefined): Tier | undefined {
	const m = /^\s*([124])k\s*$/i.exec(value ?? '');
	return m ? (Number(m[1]) as Tier) : undefined;
}

function nearestRatio(w: number, h: number): string {
	const target = Math.log(w / h);
	let best = '1:1';
	let bestDistance = Infinity;
	for (const [key, [rw, rh]] of Object.entries(RATIOS)) {
		const d = Math.abs(Math.log(rw / rh) - target);
		if (d < bestDistance) {
			best = key;
			bestDistance = d;
		}
	}
	return best;
}

function tableSize(ratio: string, tier: Tier): [number, number] {
	const [w, h] = RATIOS[ratio];
	return [w * tier, h * tier];
}


export function contentTypeFor(format: 'png' | 'jpeg'): string {
	return format === 'png' ? 'image/png' : 'image/jpeg';
}

class Params {
	constructor(private readonly record: RecordedRequest) {}

	get(name: string): string | undefined {
		if (this.record.json) {
			const v = this.record.json[name];
			if (typeof v === 'string') return v;
			if (typeof v === 'number' || typeof v === 'boolean') return String(v);
			return undefined;
		}
		return this.record.fields?.[name]?.[0];
	}

	has(name: string): boolean {
		return this.get(name) !== undefined;
	}
}

interface Plan {
	width: number;
	height: number;
	count: number;
	format: 'url' | 'b64_json' | 'data_url';
	usage: boolean;
}

function planSize(
	dialect: Dialect,
	model: string,
	p: Params,
	images: RecordedFile[],
): [number, number] {
	const first = images[0];
	const fallbackRatio =
		first?.width && first.height ? nearestRatio(first.width, first.height) : '1:1';
	const m = model.trim().toLowerCase();
	switch (dialect) {
		case 'gptGe': {
			const size = p.get('size');
			const alias = /-([24])k$/.exec(m);
			if (alias) {
				const dims = dimsOf(size);
				const ratio = ratioOf(size) ?? (dims ? nearestRatio(dims[0], dims[1]) : fallbackRatio);
				return tableSize(ratio, Number(alias[1]) as Tier);
			}
			if (m.includes('pro')) {
				return tableSize(ratioOf(p.get('aspect_ratio')) ?? fallbackRatio, tierOf(size) ?? 1);
			}
			const dims = dimsOf(size);
			return tableSize(ratioOf(size) ?? (dims ? nearestRatio(dims[0], dims[1]) : fallbackRatio), 1);
		}
		case 'theTurbo':
			return tableSize(ratioOf(p.get('aspect_ratio')) ?? fallbackRatio, tierOf(p.get('image_size')) ?? 1);
		case 'tuZi': {
			const tier: Tier = m.endsWith('-hd') ? 4 : (tierOf(p.get('quality')) ?? 1);
			const dims = dimsOf(p.get('size'));
			if (dims) return [dims[0] * tier, dims[1] * tier];
			return tableSize(fallbackRatio, tier);
		}
		case 'openai': {
			const size = p.get('size');
			const dims = dimsOf(size);
			if (dims) return dims;
			return tableSize(ratioOf(size) ?? fallbackRatio, 1);
		}
	}
}

function parseCount(dialect: Dialect, p: Params): number {
	if (dialect === 'theTurbo') return 1;
	const raw = p.get('n');
	if (raw === undefined || raw.trim() === '') return 1;
	const n = Number(raw);
	if (!Number.isInteger(n) || n < 1 || n > 10) {
		throw bad(`Invalid 'n': ${JSON.stringify(raw)}. Must be an integer between 1 and 10.`, 'invalid_value', 'n');
	}
	return n;
}

function planFormat(dialect: Dialect, model: string, p: Params, settings: DoubleSettings): Plan['format'] {
	let format: Plan['format'];
	const requested = p.get('response_format');
	if (dialect !== 'theTurbo' && requested !== undefined && requested !== 'url' && requested !== 'b64_json') {
		throw bad(
			`Invalid 'response_format': ${JSON.stringify(requested)}. Must be 'url' or 'b64_json'.`,
			'invalid_value',
			'response_format',
		);
	}
	const m = model.trim().toLowerCase();
	switch (dialect) {
		case 'gptGe':
			if (m === 'gemini-2.5-flash-image') format = 'b64_json';
			else format = (requested as Plan['format'] | undefined) ?? (m.startsWith('nano-banana') ? 'url' : 'b64_json');
			break;
		case 'theTurbo':
			format = 'b64_json';
			break;
		default:
			format = (requested as Plan['format'] | undefined) ?? 'url';
	}
	return settings.answer === 'auto' ? format : settings.answer;
}

function imageFieldsOf(dialect: Dialect): string[] {
	return dialect === 'theTurbo' || dialect === 'openai' ? ['image', 'image[]'] : ['image'];
}

function validateImages(dialect: Dialect, model: string, record: RecordedRequest): RecordedFile[] {
	const names = imageFieldsOf(dialect);
	const files = record.files ?? [];
	const images = files.filter((f) => names.includes(f.field));
	for (const f of files) {
		const checked = names.includes(f.field) || (f.field === 'mask' && (dialect === 'tuZi' || dialect === 'gptGe'));
		if (checked && f.width === undefined) {
			throw bad(
				`Invalid image file in '${f.field}'${f.filename ? ` (${f.filename})` : ''}: expected PNG, JPEG or WebP.`,
				'invalid_image',
				f.field,
			);
		}
	}
	if (images.length === 0 && (dialect === 'gptGe' || dialect === 'tuZi')) {
		throw new HttpError(400, ERROR_BODIES.missing('image'));
	}
	const max =
		dialect === 'gptGe'
			? 6
			: dialect === 'theTurbo'
				? model.trim().toLowerCase() === 'gemini-2.5-flash-image'
					? 3
					: 14
				: Infinity;
	if (images.length > max) {
		throw bad(`Too many images: ${images.length} given, at most ${max} allowed.`, 'too_many_images', 'image');
	}
	return images;
}

export function createImagesRoute(ctx: ImagesRouteContext) {
	return (
		dialect: Dialect,
		kind: 'generations' | 'edits',
		record: RecordedRequest,
		parsed: ParsedBody,
	): Answer => {
		if (dialect === 'theTurbo' && !/application\/json/i.test(headerValue(record.headers.accept))) {
			throw new HttpError(406, ERROR_BODIES.notAcceptable);
		}
		if (kind === 'generations') {
			if (parsed.kind !== 'json') {
				throw bad(
					parsed.error === undefined
						? `Invalid request body: expected a JSON object with Content-Type application/json (got ${record.contentType ?? 'no content type'}).`
						: `Invalid JSON body: ${parsed.error}`,
					'invalid_json',
				);
			}
		} else if (parsed.kind !== 'multipart') {
			throw bad(
				parsed.error === undefined
					? `Invalid request body: expected multipart/form-data (got ${record.contentType ?? 'no content type'}).`
					: `Invalid multipart body: ${parsed.error}`,
				'invalid_content_type',
			);
		}
		const p = new Params(record);
		const model = p.get('model');
		if (model === undefined || model.trim() === '') throw new HttpError(400, ERROR_BODIES.missing('model'));
		const prompt = p.get('prompt');
		if (prompt === undefined || prompt.trim() === '') throw new HttpError(400, ERROR_BODIES.missing('prompt'));
		const inputs = kind === 'edits' ? validateImages(dialect, model, record) : [];
		const count = parseCount(dialect, p);
		const settings = ctx.settings;
		const plan: Plan = {
			...(() => {
				const [width, height] = planSize(dialect, model, p, inputs);
				return { width, height };
			})(),
			count,
			format: planFormat(dialect, model, p, settings),
			usage: settings.usage || (dialect === 'gptGe' && kind === 'generations'),
		};
		if (
			plan.width > MAX_SIDE ||
			plan.height > MAX_SIDE ||
			plan.width * plan.height > MAX_PIXELS
		) {
			throw bad(
				`Invalid size: ${plan.width}x${plan.height} is too large (at most ${MAX_SIDE} a side and ${MAX_PIXELS} pixels).`,
				'invalid_value',
				'size',
			);
		}
		const imageFormat = settings.imageFormat;
		const data: Array<Record<string, string>> = [];
		for (let i = 0; i < plan.count; i++) {
			const seed = nextSeed();
			const bytes =
				imageFormat === 'png'
					? encodePng(plan.width, plan.height, seed, prompt)
					: encodeJpeg(plan.width, plan.height, seed, prompt);
			if (plan.format === 'b64_json') data.push({ b64_json: bytes.toString('base64') });
			else if (plan.format === 'data_url') {
				data.push({ url: `data:${contentTypeFor(imageFormat)};base64,${bytes.toString('base64')}` });
			}
			else data.push({ url: ctx.storeImage(bytes, imageFormat) });
		}
		const body: Record<string, unknown> = { created: nowSeconds(), data };
		if (plan.usage) {
			const textTokens = Math.max(1, Math.ceil(prompt.length / 4));
			const imageTokens = inputs.length * 258;
			const longSide = Math.max(plan.width, plan.height);
			const perImage = longSide > 2048 ? 2000 : longSide > 1536 ? 1120 : 1290;
			const output = perImage * plan.count;
			body.usage = {
				input_tokens: textTokens + imageTokens,
				input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
				output_tokens: output,
				total_tokens: textTokens + imageTokens + output,
			};
		}
		return jsonAnswer(200, body);
	};
}
