/**
 * The shapes and sizes the Gemini image models make: the aspect ratios with their pixel sizes at
 * 1K (the table in seeds 000/001, and the four long ratios of Nano Banana 2), the size classes,
 * and the two sums every route needs (pixels for a ratio and size; the ratio nearest a picture).
 * Which model takes which is the catalogue's business (catalogue.ts).
 */

export const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9', '1:4', '4:1', '1:8', '8:1'] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const RESOLUTIONS = ['512', '1K', '2K', '4K'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** Width x height of each ratio at 1K, from the table in seeds 000/001. */
export const RATIO_PIXELS_1K: Record<AspectRatio, readonly [number, number]> = {
	'1:1': [1024, 1024],
	'2:3': [832, 1248],
	'3:2': [1248, 832],
	'3:4': [864, 1184],
	'4:3': [1184, 864],
	'4:5': [896, 1152],
	'5:4': [1152, 896],
	'9:16': [768, 1344],
	'16:9': [1344, 768],
	'21:9': [1536, 672],
	'1:4': [512, 2048],
	'4:1': [2048, 512],
	'1:8': [384, 3072],
	'8:1': [3072, 384],
};

const RESOLUTION_SCALE: Record<Resolution, number> = { '512': 0.5, '1K': 1, '2K': 2, '4K': 4 };

export function pixelsFor(ratio: AspectRatio, resolution: Resolution = '1K'): [number, number] {
	const [w, h] = RATIO_PIXELS_1K[ratio];
	const scale = RESOLUTION_SCALE[resolution];
	return [Math.round(w * scale), Math.round(h * scale)];
}

/** The ratio of the list closest to an image's own shape (Edit's "Match First Input Image"). */
export function nearestRatio(width: number, height: number, ratios: readonly AspectRatio[]): AspectRatio {
	const target = Math.log(width / height);
	let best = ratios[0];
	for (const ratio of ratios) {
		const [w, h] = RATIO_PIXELS_1K[ratio];
		const [bw, bh] = RATIO_PIXELS_1K[best];
		if (Math.abs(Math.log(w / h) - target) < Math.abs(Math.log(bw / bh) - target)) best = ratio;
	}
	return best;
}

/** The size class of a picture, by its area (1K is about a megapixel, 2K four, 4K sixteen). */
export function sizeClassOf(width: number, height: number): Resolution {
	const area = Math.log2((width * height) / (1024 * 1024));
	let best: Resolution = '1K';
	for (const r of RESOLUTIONS) {
		if (Math.abs(2 * Math.log2(RESOLUTION_SCALE[r]) - area) < Math.abs(2 * Math.log2(RESOLUTION_SCALE[best]) - area)) best = r;
	}
	return best;
}

/** Sizes in order, to tell "larger than the model makes" from "a size the model lacks". */
export function sizeRank(r: Resolution): number {
	return RESOLUTIONS.indexOf(r);
}
