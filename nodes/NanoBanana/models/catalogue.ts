/**
 * The Nano Banana models, as data: one record per model Google has served under a Gemini API ID,
 * with its names, lifecycle, limits and list prices, and when and where those facts were read.
 * Every model check, default, hint, picker entry, Match First Input Image and cost estimate reads
 * this table; nothing else in the node knows a model by its name.
 *
 * The outside world changes these facts: `npm run models:check` compares this table with the live
 * model lists (Google's and OpenRouter's), and the README's Models section is generated from it
 * (`npm run models:table`). Change a record here, with its new date and source, and nowhere else.
 *
 * Data only: no logic. `undefined` means "not confirmed": the node then checks nothing and sends
 * what the user asked (the provider's own answer shows if it refuses).
 */
import type { AspectRatio, Resolution } from './imageSizes';

export type Lifecycle =
	| { status: 'preview'; since?: string }
	| { status: 'ga'; since?: string }
	/** Still served, but announced to go; `shutdown` is the earliest announced date, when there is one. */
	| { status: 'deprecated'; since?: string; shutdown?: string; shutdownConfirmed: boolean; replacement: string }
	| { status: 'shutDown'; shutdown: string; replacement: string };

export interface ModelPrice {
	/** US dollars per output image, by size (list price, standard tier). */
	perImage: Partial<Record<Resolution, number>>;
	/** US dollars per million image-output tokens, when Google prices the model that way. */
	perMillionImageTokens?: number;
	/** Where the prices come from, and whether Google's own page or only third parties state them. */
	source: string;
	confirmed: boolean;
}

export interface CatalogueModel {
	/** The ID on Google's Gemini API (and Vertex AI). */
	id: string;
	/** The ID on OpenRouter. */
	openRouter: string;
	/** The name people know it by. */
	name: string;
	lifecycle: Lifecycle;
	/** How gateways' field dialects treat it (V-API and Tu-zi spell sizes differently for pro models). */
	family: 'flash' | 'pro';
	/** Sizes the model makes, smallest first. A model with one size takes no size setting. */
	sizes: readonly Resolution[];
	/** Aspect ratios it takes; undefined: not confirmed. */
	ratios?: readonly AspectRatio[];
	/** Most input images it takes on Google's API; undefined: not confirmed. */
	maxInputs?: number;
	/** `thinkingConfig.thinkingLevel` values it takes (none: it has no such setting). */
	thinkingLevels: readonly string[];
	price?: ModelPrice;
	/** When these facts were last read, and where from. */
	checked: { date: string; source: string };
}

/** Batch mode and the Flex tier cost this share of the list price (MODELS.md). */
export const BATCH_PRICE_FACTOR = 0.5;

export type ServiceTier = 'standard' | 'flex' | 'priority';

export interface ServiceTierFacts {
	/** The share of the standard list price it costs; undefined: Google publishes no single figure. */
	priceFactor?: number;
	/** Google's latency target for a call on this tier, in words. */
	latency: string;
	/** The shortest request timeout a call on this tier gets, in seconds. */
	minTimeoutSeconds?: number;
	/** The longest first wait before a shed call is sent again, in milliseconds (half jitter: from half of it; later waits double). */
	firstBackoffMs?: number;
	checked: { date: string; source: string };
}

const TIERS_SOURCE = "Google's Gemini API optimization guide and pricing, 2026 (shared/MODELS.md): flex at half price, priority 75-100% over standard";

/** Google's inference tiers on generateContent (Gemini API), as data. */
export const SERVICE_TIERS: Readonly<Record<ServiceTier, ServiceTierFacts>> = {
	standard: { priceFactor: 1, latency: 'seconds', checked: { date: '2026-12-03', source: TIERS_SOURCE } },
	flex: { priceFactor: BATCH_PRICE_FACTOR, latency: '1 to 15 minutes (best effort: may be shed under load)', minTimeoutSeconds: 900, firstBackoffMs: 60_000, checked: { date: '2026-12-03', source: TIERS_SOURCE } },
	priority: { latency: 'lowest (paid tiers 2 and 3; may be downgraded to standard over its limit)', checked: { date: '2026-12-03', source: TIERS_SOURCE } },
};

const TEN: readonly AspectRatio[] = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
const FOURTEEN: readonly AspectRatio[] = [...TEN, '1:4', '4:1', '1:8', '8:1'];
const LEVELS = ['minimal', 'low', 'medium', 'high'] as const;

const READ = '2026-12-03';
const GOOGLE_PAGES = "Google's Gemini API models, deprecations and changelog pages (shared/MODELS.md)";
const THIRD_PARTY = 'third-party SDK release notes and gateway docs, 2026-10-06/07 (shared/MODELS.md)';

export const CATALOGUE: readonly CatalogueModel[] = [
	{
		id: 'gemini-nano-banana-2.1',
		openRouter: 'google/gemini-nano-banana-2.1',
		name: 'Nano Banana 2.1',
		lifecycle: { status: 'ga', since: '2026-10' },
		family: 'flash',
		sizes: ['1K', '2K', '4K'],
		ratios: FOURTEEN,
		maxInputs: 14,
		thinkingLevels: LEVELS,
		price: { perImage: { '1K': 0.034, '4K': 0.113 }, source: THIRD_PARTY, confirmed: false },
		checked: { date: READ, source: THIRD_PARTY },
	},
	{
		id: 'gemini-3-pro-image',
		openRouter: 'google/gemini-3-pro-image',
		name: 'Nano Banana Pro',
		lifecycle: { status: 'ga', since: '2026-05-28' },
		family: 'pro',
		sizes: ['1K', '2K', '4K'],
		ratios: TEN,
		maxInputs: 14,
		thinkingLevels: [],
		// 1120 image tokens at 1K and 2K, 2000 at 4K, at $120 per million.
		price: {
			perImage: { '1K': 0.134, '2K': 0.134, '4K': 0.24 },
			perMillionImageTokens: 120,
			source: "Google's Gemini API pricing (shared/MODELS.md): $0.134 per 1K/2K image, $0.24 per 4K image",
			confirmed: true,
		},
		checked: { date: READ, source: GOOGLE_PAGES },
	},
	{
		id: 'gemini-3.1-flash-image',
		openRouter: 'google/gemini-3.1-flash-image',
		name: 'Nano Banana 2',
		lifecycle: { status: 'deprecated', since: '2026-10', shutdown: '2026-10-29', shutdownConfirmed: false, replacement: 'gemini-nano-banana-2.1' },
		family: 'flash',
		sizes: ['512', '1K', '2K', '4K'],
		ratios: FOURTEEN,
		maxInputs: 14,
		thinkingLevels: LEVELS,
		price: { perImage: { '1K': 0.067, '4K': 0.151 }, source: 'third-party price lists (shared/MODELS.md)', confirmed: false },
		checked: { date: READ, source: GOOGLE_PAGES },
	},
	{
		id: 'gemini-3.1-flash-lite-image',
		openRouter: 'google/gemini-3.1-flash-lite-image',
		name: 'Nano Banana 2 Lite',
		lifecycle: { status: 'ga', since: '2026-06' },
		family: 'flash',
		sizes: ['1K'],
		thinkingLevels: [],
		checked: { date: READ, source: 'one third-party page (shared/MODELS.md): release date, ratios and inputs unconfirmed' },
	},
	{
		id: 'gemini-2.5-flash-image',
		openRouter: 'google/gemini-2.5-flash-image',
		name: 'Nano Banana',
		lifecycle: { status: 'deprecated', since: '2025-10-02', shutdown: '2026-10-02', shutdownConfirmed: true, replacement: 'gemini-3.1-flash-image' },
		family: 'flash',
		sizes: ['1K'],
		ratios: TEN,
		maxInputs: 3,
		thinkingLevels: [],
		// 1290 image tokens per image at $30 per million.
		price: { perImage: { '1K': 0.039 }, perMillionImageTokens: 30, source: "Google's Gemini API pricing (shared/MODELS.md): about $0.039 per image", confirmed: true },
		checked: { date: READ, source: GOOGLE_PAGES },
	},
	{
		id: 'gemini-3-pro-image-preview',
		openRouter: 'google/gemini-3-pro-image-preview',
		name: 'Nano Banana Pro (preview)',
		lifecycle: { status: 'shutDown', shutdown: '2026-06-25', replacement: 'gemini-3-pro-image' },
		family: 'pro',
		sizes: ['1K', '2K', '4K'],
		ratios: TEN,
		maxInputs: 14,
		thinkingLevels: [],
		checked: { date: READ, source: GOOGLE_PAGES },
	},
	{
		id: 'gemini-3.1-flash-image-preview',
		openRouter: 'google/gemini-3.1-flash-image-preview',
		name: 'Nano Banana 2 (preview)',
		lifecycle: { status: 'shutDown', shutdown: '2026-06-25', replacement: 'gemini-3.1-flash-image' },
		family: 'flash',
		sizes: ['512', '1K', '2K', '4K'],
		ratios: FOURTEEN,
		maxInputs: 14,
		thinkingLevels: LEVELS,
		checked: { date: READ, source: GOOGLE_PAGES },
	},
];

/** The default model of new nodes on Google's routes: the newest GA Nano Banana 2 model. */
export const CURRENT_DEFAULT = 'gemini-nano-banana-2.1';
