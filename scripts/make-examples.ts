/**
 * Writes the example workflows in examples/*.json (run: `npx tsx scripts/make-examples.ts`).
 *
 * The workflows are plain n8n exports and the files are what users import; this script only keeps
 * them consistent (ids, positions, credential placeholders) and draws the sample pictures that the
 * edit workflows carry inside a Code node, so they run as they are, without any file or URL.
 *
 * Credential placeholders: every Nano Banana node names a credential by the ids and names in
 * EXAMPLE_CREDENTIALS. The e2e test and the demo create credentials with exactly these ids; a user
 * who imports a workflow in the editor picks their own credential in the node instead.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

import { AGENT_EXAMPLE_CREDENTIALS, agentWorkflow } from '../e2e/lib/agentWorkflow';
import { batchWorkflow } from '../e2e/lib/batchWorkflow';
import { roundsWorkflow } from '../e2e/lib/roundsWorkflow';
import { CREDENTIAL_TYPE_OF } from '../e2e/lib/examples';

export const NODE_TYPE = 'n8n-nodes-nano-banana.nanoBanana';

/** Placeholder credentials the examples reference, by credential type. */
export const EXAMPLE_CREDENTIALS = {
	gptGeApi: { id: 'nbExampleGptGe01', name: 'V-API (gpt.ge) account' },
	tuZiApi: { id: 'nbExampleTuZi001', name: 'Tu-zi account' },
	theTurboApi: { id: 'nbExampleTurbo01', name: 'TheTurbo account' },
	openAiCompatibleImageApi: { id: 'nbExampleOpenAi1', name: 'OpenAI-compatible image gateway' },
	googleGeminiImageApi: { id: 'nbExampleGoogle1', name: 'Google Gemini API account' },
	openRouterImageApi: { id: 'nbExampleOpenRtr1', name: 'OpenRouter account' },
	vertexAiImageApi: { id: 'nbExampleVertex01', name: 'Google Vertex AI (service account)' },
} as const;


// ---------------------------------------------------------------------------------------------
// Sample pictures: a product photo stand-in (a teal mug on a table), its mask, and a logo.

type Rgba = [number, number, number, number];

class Canvas {
	readonly px: Uint8Array;
	constructor(
		readonly w: number,
		readonly h: number,
		fill: Rgba = [0, 0, 0, 0],
	) {
		this.px = new Uint8Array(w * h * 4);
		for (let i = 0; i < w * h; i++) this.px.set(fill, i * 4);
	}
	set(x: number, y: number, c: Rgba): void {
		if (x < 0 || y < 0 || x >= this.w || y >= this.h) return;
		const i = (y * this.w + x) * 4;
		const a = c[3] / 255;
		for (let k = 0; k < 3; k++) this.px[i + k] = Math.round(c[k] * a + this.px[i + k] * (1 - a));
		this.px[i + 3] = Math.max(this.px[i + 3], c[3]);
	}
	paint(test: (x: number, y: number) => Rgba | undefined): void {
		for (let y = 0; y < this.h; y++)
			for (let x = 0; x < this.w; x++) {
				const c = test(x, y);
				if (c) this.set(x, y, c);
			}
	}
	png(alpha: boolean): Buffer {
		const channels = alpha ? 4 : 3;
		const raw = Buffer.alloc((this.w * channels + 1) * this.h);
		for (let y = 0; y < this.h; y++) {
			const row = y * (this.w * channels + 1);
			for (let x = 0; x < this.w; x++)
				for (let k = 0; k < channels; k++) raw[row + 1 + x * channels + k] = this.px[(y * this.w + x) * 4 + k];
		}
		const ihdr = Buffer.alloc(13);
		ihdr.writeUInt32BE(this.w, 0);
		ihdr.writeUInt32BE(this.h, 4);
		ihdr[8] = 8;
		ihdr[9] = alpha ? 6 : 2;
		return Buffer.concat([
			Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
			chunk('IHDR', ihdr),
			chunk('IDAT', deflateSync(raw, { level: 9 })),
			chunk('IEND', Buffer.alloc(0)),
		]);
	}
}

function crc32(buf: Buffer): number {
	let c = 0xffffffff;
	for (const b of buf) {
		c ^= b;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	}
	return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([len, body, crc]);
}

const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) =>
	((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

/** Where the mug (body, rim, handle) and its shadow are, on the 512x512 product picture. */
function mugPart(x: number, y: number): 'shadow' | 'body' | 'rim' | 'inside' | 'handle' | undefined {
	if (inEllipse(x, y, 248, 168, 100, 20)) return inEllipse(x, y, 248, 170, 88, 14) ? 'inside' : 'rim';
	const bodyBottom = 410;
	if (x >= 148 && x <= 348 && y >= 168 && y <= bodyBottom) {
		// rounded bottom corners
		const r = 28;
		if (y > bodyBottom - r && (x < 148 + r || x > 348 - r)) {
			const cx = x < 148 + r ? 148 + r : 348 - r;
			if ((x - cx) ** 2 + (y - (bodyBottom - r)) ** 2 > r * r) return undefined;
		}
		return 'body';
	}
	const d = Math.hypot(x - 350, y - 285);
	if (x > 346 && d <= 66 && d >= 40) return 'handle';
	if (inEllipse(x, y, 252, 414, 170, 24)) return 'shadow';
	return undefined;
}

function productPicture(): Buffer {
	const c = new Canvas(512, 512);
	c.paint((_x, y) => {
		const t = y / 511;
		return [Math.round(246 - 30 * t), Math.round(241 - 32 * t), Math.round(234 - 38 * t), 255];
	});
	// a table edge
	c.paint((_x, y) => (y >= 360 ? [196, 160, 118, 255] : undefined));
	c.paint((_x, y) => (y >= 360 && y < 364 ? [170, 132, 92, 255] : undefined));
	c.paint((x, y) => {
		const part = mugPart(x, y);
		if (part === 'shadow') return [0, 0, 0, 70];
		if (part === 'inside') return [18, 60, 68, 255];
		if (part === 'rim') return [52, 150, 166, 255];
		if (part === 'handle') return [34, 118, 134, 255];
		if (part === 'body') {
			// soft cylinder shading with a highlight stripe
			const t = (x - 148) / 200;
			const light = Math.max(0, 1 - Math.abs(t - 0.3) * 3.2);
			const shade = 0.75 + 0.25 * Math.sin(Math.PI * t);
			return [
				Math.round(Math.min(255, 40 * shade + 170 * light)),
				Math.round(Math.min(255, 130 * shade + 110 * light)),
				Math.round(Math.min(255, 146 * shade + 100 * light)),
				255,
			];
		}
		return undefined;
	});
	return c.png(false);
}

/** Tu-zi/V-API style mask: opaque over the mug and its shadow (keep), transparent elsewhere (edit). */
function maskPicture(): Buffer {
	const c = new Canvas(512, 512, [0, 0, 0, 0]);
	c.paint((x, y) => (mugPart(x, y) ? [255, 255, 255, 255] : undefined));
	return c.png(true);
}

/** A brand mark: a yellow banana crescent on transparent ground. */
function logoPicture(): Buffer {
	const c = new Canvas(256, 256, [0, 0, 0, 0]);
	c.paint((x, y) => {
		const outer = Math.hypot(x - 128, y - 118) <= 100;
		const inner = Math.hypot(x - 150, y - 90) <= 92;
		if (outer && !inner) return [250, 204, 21, 255];
		return undefined;
	});
	return c.png(true);
}

// ---------------------------------------------------------------------------------------------
// Workflow building blocks.

interface WfNode {
	parameters: Record<string, unknown>;
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	credentials?: Record<string, { id: string; name: string }>;
	notes?: string;
	notesInFlow?: boolean;
}

const TRIGGER = "When clicking 'Execute workflow'";

function trigger(): WfNode {
	return {
		parameters: {},
		id: 'e0f1a2b3-0000-4000-8000-000000000001',
		name: TRIGGER,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
	};
}

function nanoBanana(
	n: number,
	name: string,
	x: number,
	parameters: Record<string, unknown> & { provider: string },
	notes?: string,
): WfNode {
	const credentialType = CREDENTIAL_TYPE_OF[parameters.provider];
	return {
		parameters,
		id: `e0f1a2b3-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
		name,
		type: NODE_TYPE,
		typeVersion: 3,
		position: [x, 0],
		credentials: { [credentialType]: { ...EXAMPLE_CREDENTIALS[credentialType] } },
		...(notes ? { notes, notesInFlow: true } : {}),
	};
}

function sampleImagesNode(name: string, images: Array<{ property: string; file: string; png: Buffer }>): WfNode {
	const lines = [
		'// Sample input so that this workflow runs as it is. Replace this node with your own image',
		'// source (HTTP Request, Read Files from Disk, Google Drive, a form upload...): the Nano',
		'// Banana node sends the binary properties named in its "Input Image Properties" field.',
		...images.map((img) => `const ${img.property} = '${img.png.toString('base64')}';`),
		'',
		'return [',
		'\t{',
		"\t\tjson: { source: 'sample' },",
		'\t\tbinary: {',
		...images.map(
			(img) =>
				`\t\t\t${img.property}: { data: ${img.property}, mimeType: 'image/png', fileName: '${img.file}', fileExtension: 'png' },`,
		),
		'\t\t},',
		'\t},',
		'];',
	];
	return {
		parameters: { jsCode: lines.join('\n') },
		id: 'e0f1a2b3-0000-4000-8000-000000000002',
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [220, 0],
	};
}

interface Workflow {
	id: string;
	name: string;
	nodes: WfNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
	active: false;
	settings: { executionOrder: 'v1' };
	pinData: Record<string, never>;
	meta: { templateCredsSetupCompleted: boolean };
	tags: never[];
}

function chain(id: string, name: string, nodes: WfNode[]): Workflow {
	const connections: Workflow['connections'] = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id,
		name,
		nodes,
		connections,
		active: false,
		settings: { executionOrder: 'v1' },
		pinData: {},
		meta: { templateCredsSetupCompleted: false },
		tags: [],
	};
}

function laidOut(nodes: WfNode[]): WfNode[] {
	nodes.forEach((node, i) => (node.position = [i * 240, 0]));
	return nodes;
}

// ---------------------------------------------------------------------------------------------
// The examples. Prompts are the kind of marketing product shots the node is built for.

const MUG =
	'a matte teal ceramic coffee mug with a round handle, standing on a light oak table';

export function buildExamples(): Record<string, Workflow> {
	const product = { property: 'data', file: 'mug.png', png: productPicture() };
	const mask = { property: 'mask', file: 'mug-mask.png', png: maskPicture() };
	const logo = { property: 'logo', file: 'logo.png', png: logoPicture() };

	return {
		'generate-v-api-product-shot': chain('nbExGenerateGptGe', 'Nano Banana: product shot, 1:1 (V-API)', laidOut([
			trigger(),
			nanoBanana(1, 'Product shot 1:1', 0, {
				provider: 'gptGe',
				operation: 'generate',
				model: 'nano-banana',
				prompt: `Generate a studio product photo of ${MUG}. Soft morning window light, clean off-white background, gentle shadow, e-commerce catalogue style, square composition.`,
				aspectRatio: '1:1',
				resolution: 'auto',
				options: {},
			}),
		])),
		'generate-tu-zi-story-ad': chain('nbExGenerateTuZi', 'Nano Banana: 9:16 story ad at 2K (Tu-zi)', laidOut([
			trigger(),
			nanoBanana(1, 'Story ad 9:16 2K', 0, {
				provider: 'tuZi',
				operation: 'generate',
				model: 'gemini-3-pro-image-preview',
				prompt: `Generate a vertical social media story ad image: ${MUG}, steam rising, a cosy cafe blurred in the background, warm light, empty space in the top third for a headline.`,
				aspectRatio: '9:16',
				resolution: '2K',
				options: {},
			}),
		])),
		'generate-theturbo-hero-banner': chain('nbExGenerateTurbo', 'Nano Banana: 16:9 website hero banner at 2K (TheTurbo)', laidOut([
			trigger(),
			nanoBanana(1, 'Hero banner 16:9 2K', 0, {
				provider: 'theTurbo',
				operation: 'generate',
				model: 'gemini-3-pro-image',
				prompt: `Generate a wide website hero banner photo: ${MUG} on the right third, morning sunlight through a window, plants, calm Scandinavian kitchen, plenty of empty space on the left for text.`,
				aspectRatio: '16:9',
				resolution: '2K',
				options: {},
			}),
		])),
		'generate-openai-compatible-feed-posts': chain('nbExGenerateOpenAi', 'Nano Banana: two 4:5 feed post variants (OpenAI-compatible gateway)', laidOut([
			trigger(),
			nanoBanana(1, 'Feed posts 4:5', 0, {
				provider: 'openAiCompatible',
				operation: 'generate',
				model: 'nano-banana',
				prompt: `Generate an Instagram feed photo, portrait 4:5: ${MUG}, flat lay from above with coffee beans, a notebook and a croissant, bright natural light, pastel colours.`,
				aspectRatio: '4:5',
				resolution: 'auto',
				options: { numberOfImages: 2, responseFormat: 'b64_json' },
			}),
		])),
		'generate-google-gemini-strip-banner': chain('nbExGenerateGoogle', 'Nano Banana: 8:1 website strip banner with Nano Banana 2.1 (Google Gemini API)', laidOut([
			trigger(),
			nanoBanana(1, 'Strip banner 8:1', 0, {
				provider: 'google',
				operation: 'generate',
				model: 'gemini-nano-banana-2.1',
				prompt: `Generate a very wide website strip banner photo: a row of ${MUG}s on a light oak shelf, soft morning light, calm Scandinavian kitchen, empty wall above for text.`,
				aspectRatio: '8:1',
				resolution: '1K',
				options: { includeText: true },
			}),
		])),
		'generate-vertex-ai-campaign-jpeg': chain('nbExGenerateVertex', 'Nano Banana: a 4:5 campaign image as JPEG in your Google Cloud project (Vertex AI)', laidOut([
			trigger(),
			nanoBanana(1, 'Campaign 4:5 JPEG', 0, {
				provider: 'vertexAi',
				operation: 'generate',
				model: 'gemini-3-pro-image',
				prompt: `Generate a social media campaign photo: a ${MUG} on a sunny balcony table with a croissant, warm light, room at the top for a headline.`,
				aspectRatio: '4:5',
				resolution: '2K',
				options: { outputMimeType: 'image/jpeg', jpegQuality: 85 },
			}, 'Runs in the project and location of the credential (a service account JSON key, or an Express Mode key). The image comes back as a JPEG at quality 85.'),
		])),
		'edit-openrouter-restyle-same-shape': chain('nbExEditOpenRouter', 'Nano Banana: restyle a product photo in its own shape (OpenRouter)', laidOut([
			trigger(),
			sampleImagesNode('Sample product photo', [product]),
			nanoBanana(2, 'Restyle, same shape', 0, {
				provider: 'openRouter',
				operation: 'edit',
				model: 'google/gemini-nano-banana-2.1',
				prompt: "Edit this product photo into a warm watercolour illustration on textured paper. Keep the mug's shape and colour.",
				imageProperties: 'data',
				aspectRatio: 'matchInput',
				resolution: 'auto',
				options: {},
			}),
		])),
		'edit-v-api-new-scene': chain('nbExEditGptGe', 'Nano Banana: put a product photo in a new scene, 4:3 (V-API)', laidOut([
			trigger(),
			sampleImagesNode('Sample product photo', [product]),
			nanoBanana(2, 'New scene 4:3', 0, {
				provider: 'gptGe',
				operation: 'edit',
				model: 'nano-banana',
				prompt: 'Edit this product photo: place the mug on a white marble kitchen counter next to a window with morning light. Keep the mug itself exactly as it is. Landscape 4:3.',
				imageProperties: 'data',
				aspectRatio: '4:3',
				resolution: 'auto',
				options: {},
			}),
		])),
		'edit-tu-zi-background-with-mask': chain('nbExEditTuZi', 'Nano Banana: replace the background through a mask (Tu-zi)', laidOut([
			trigger(),
			sampleImagesNode('Sample photo and mask', [product, mask]),
			nanoBanana(2, 'Replace background', 0, {
				provider: 'tuZi',
				operation: 'edit',
				model: 'gemini-3-pro-image-preview',
				prompt: 'Edit the image: replace the background (the transparent area of the mask) with a sunny beach at golden hour, sand and sea. Keep the mug and its shadow unchanged.',
				imageProperties: 'data',
				maskProperty: 'mask',
				aspectRatio: 'auto',
				resolution: 'auto',
				options: {},
			}),
		])),
		'edit-theturbo-logo-on-product': chain('nbExEditTurbo', 'Nano Banana: print a logo on a product, two input images, 3:2 (TheTurbo)', laidOut([
			trigger(),
			sampleImagesNode('Sample photo and logo', [product, logo]),
			nanoBanana(2, 'Logo on mug 3:2', 0, {
				provider: 'theTurbo',
				operation: 'edit',
				model: 'gemini-3-pro-image',
				prompt: 'Edit the first image: print the yellow logo from the second image on the front of the mug, following its curve, like a glazed print. Keep everything else. Landscape 3:2.',
				imageProperties: 'data, logo',
				aspectRatio: '3:2',
				resolution: '1K',
				options: { mediaResolution: 'MEDIA_RESOLUTION_HIGH' },
			}),
		])),
		'edit-openai-compatible-illustration': chain('nbExEditOpenAi', 'Nano Banana: turn a product photo into an illustration (OpenAI-compatible gateway)', laidOut([
			trigger(),
			sampleImagesNode('Sample product photo', [product]),
			nanoBanana(2, 'Flat illustration 1:1', 0, {
				provider: 'openAiCompatible',
				operation: 'edit',
				model: 'nano-banana',
				prompt: 'Edit this photo into a flat vector-style illustration of the same mug with bold outlines and a pastel background, for a website icon set.',
				imageProperties: 'data',
				aspectRatio: '1:1',
				resolution: 'auto',
				options: {},
			}),
		])),
		'chain-generate-then-edit-banner': chain('nbExChainGptGe', 'Nano Banana: generate a product shot, then turn it into a 16:9 2K banner (V-API)', laidOut([
			trigger(),
			nanoBanana(1, 'Product shot', 0, {
				provider: 'gptGe',
				operation: 'generate',
				model: 'nano-banana',
				prompt: `Generate a studio product photo of ${MUG}, soft light, plain background, square.`,
				aspectRatio: '1:1',
				resolution: 'auto',
				options: {},
			}),
			nanoBanana(2, 'Wide banner 16:9 2K', 0, {
				provider: 'gptGe',
				operation: 'edit',
				model: 'nano-banana-pro',
				prompt: 'Edit this product photo into a wide web banner: extend the scene to the left and right into a bright kitchen, keep the mug unchanged and in the right third.',
				imageProperties: 'data',
				aspectRatio: '16:9',
				resolution: '2K',
				options: { outputProperty: 'banner' },
			}),
		])),
	};
}

if (require.main === module) {
	const dir = path.join(__dirname, '..', 'examples');
	mkdirSync(dir, { recursive: true });
	for (const [file, workflow] of Object.entries(buildExamples())) {
		writeFileSync(path.join(dir, `${file}.json`), JSON.stringify(workflow, null, 2) + '\n');
		console.log(`examples/${file}.json  ${workflow.name}`);
	}
	// The AI agent example needs a chat model as well: e2e/agent.e2e.ts runs it, not the examples suite.
	mkdirSync(path.join(dir, 'agent'), { recursive: true });
	const { gateway, openAi } = { gateway: AGENT_EXAMPLE_CREDENTIALS.openAiCompatibleImageApi, openAi: AGENT_EXAMPLE_CREDENTIALS.openAiApi };
	const agent = agentWorkflow('nbExampleAgentTool1', 'generate', { gateway, openAi });
	writeFileSync(path.join(dir, 'agent', 'ai-agent-image-tool.json'), JSON.stringify(agent, null, 2) + '\n');
	console.log(`examples/agent/ai-agent-image-tool.json  ${agent.name}`);
	// Edits in rounds go on from one node's conversation to the next: e2e/conversation.e2e.ts runs it.
	mkdirSync(path.join(dir, 'rounds'), { recursive: true });
	const sample = sampleImagesNode('Sample product photo', [{ property: 'data', file: 'mug.png', png: productPicture() }]);
	const rounds = roundsWorkflow({ name: sample.name, code: String(sample.parameters.jsCode) });
	writeFileSync(path.join(dir, 'rounds', 'edit-in-rounds.json'), JSON.stringify(rounds, null, 2) + '\n');
	console.log(`examples/rounds/edit-in-rounds.json  ${rounds.name}`);
	// Batch mode loops through n8n's Wait and If nodes: e2e/batch.e2e.ts runs it, with a short wait.
	mkdirSync(path.join(dir, 'batch'), { recursive: true });
	const batch = batchWorkflow();
	writeFileSync(path.join(dir, 'batch', 'catalogue-batch-half-price.json'), JSON.stringify(batch, null, 2) + '\n');
	console.log(`examples/batch/catalogue-batch-half-price.json  ${batch.name}`);
}
