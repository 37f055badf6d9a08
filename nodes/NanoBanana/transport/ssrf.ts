/**
 * Telling a refusal by n8n's own SSRF protection (n8n 2.x lines that have it, with
 * N8N_SSRF_PROTECTION_ENABLED=true) from any other failure to connect: n8n throws its
 * `SsrfBlockedIpError` or `SsrfBlockedHostnameError` from the request helper, sometimes as the
 * cause of the HTTP client's own error. Such a refusal is never retried: the address is what it is.
 */

export interface SsrfRefusal {
	/** The host n8n refused, when it says. */
	hostname?: string;
	/** The address it resolved to, when it says. */
	ip?: string;
}

const NAMES = new Set(['SsrfBlockedIpError', 'SsrfBlockedHostnameError']);

/** n8n's words for a refusal, for a helper that passes on only the message. */
const WORDS = /blocked because it resolves to a restricted IP address|Server-Side Request Forgery \(SSRF\)/i;

export function ssrfRefusal(error: unknown): SsrfRefusal | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		const e = current as { name?: unknown; message?: unknown; description?: unknown; hostname?: unknown; ip?: unknown; cause?: unknown };
		const named = typeof e.name === 'string' && NAMES.has(e.name);
		if (named || (typeof e.message === 'string' && WORDS.test(e.message)) || (typeof e.description === 'string' && WORDS.test(e.description))) {
			return { hostname: typeof e.hostname === 'string' ? e.hostname : undefined, ip: typeof e.ip === 'string' ? e.ip : undefined };
		}
		current = e.cause;
	}
	return undefined;
}

/** The words every such error carries: what happened, and the two settings that allow an address. */
export function ssrfHint(refusal: SsrfRefusal): string {
	const where = refusal.ip ? ` (it resolves to ${refusal.ip})` : '';
	return `n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED) refuses restricted addresses${where}. To allow it, the n8n administrator adds the host to N8N_SSRF_ALLOWED_HOSTNAMES or its address range to N8N_SSRF_ALLOWED_IP_RANGES.`;
}
