/**
 * "Allowed Link Hosts": the hosts Edit may download image links from, when the workflow's owner
 * sets them. A pattern is a host name (`cdn.shop.example`) or a wildcard for its subdomains
 * (`*.cloudfront.net`, which does not cover `cloudfront.net` itself); a pattern may name a port
 * (`minio:9000`). Empty: every host, as n8n's own protection leaves it by default.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { itemError } from '../errors';

const PATTERN = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/** The patterns as written (commas, spaces or new lines between them), checked. */
export function readLinkHosts(ctx: IExecuteFunctions, itemIndex: number, raw: unknown): string[] {
	const patterns = String(raw ?? '')
		.split(/[\s,]+/)
		.map((p) => p.trim().toLowerCase())
		.filter((p) => p !== '');
	for (const pattern of patterns) {
		if (!PATTERN.test(pattern)) {
			throw itemError(ctx, itemIndex, `"Allowed Link Hosts": "${pattern}" is not a host name or a *.domain pattern`, 'Write host names such as cdn.shop.example or *.cloudfront.net, separated by commas. No scheme, no path.');
		}
	}
	return patterns;
}

/** Whether a link's host is allowed: no patterns allow every host. */
export function hostAllowed(patterns: readonly string[], url: URL): boolean {
	if (patterns.length === 0) return true;
	const hostname = url.hostname.toLowerCase();
	const port = url.port || (url.protocol === 'https:' ? '443' : '80');
	return patterns.some((pattern) => {
		// A pattern with a port matches that port only.
		const subject = /:\d{1,5}$/.test(pattern) ? `${hostname}:${port}` : hostname;
		return pattern.startsWith('*.') ? subject.endsWith(pattern.slice(1)) : subject === pattern;
	});
}
