/**
 * Telling n8n's own SSRF refusals (n8n 2.x: `SsrfBlockedIpError`, `SsrfBlockedHostnameError`, see
 * @n8n/backend-network) from other failures, whether the helper throws them as they are or as the
 * cause of its HTTP client's error. Inside real n8n 2.41 with N8N_SSRF_PROTECTION_ENABLED the e2e
 * suite shows the whole path; this holds the recognition to the shapes n8n defines.
 */
import { ssrfHint, ssrfRefusal } from '../../nodes/NanoBanana/transport/ssrf';

/** n8n 2.41's SsrfBlockedIpError, as @n8n/backend-network builds it. */
function blockedIp(ip: string, hostname?: string): Error {
	const error = new Error('The request was blocked because it resolves to a restricted IP address') as Error & { ip: string; hostname?: string; description: string };
	error.name = 'SsrfBlockedIpError';
	error.ip = ip;
	error.hostname = hostname;
	error.description = `The target ${hostname ? `'${hostname}' (${ip})` : ip} is not allowed. This is a security measure to prevent Server-Side Request Forgery (SSRF).`;
	return error;
}

test('the error itself, with the address it resolved to', () => {
	expect(ssrfRefusal(blockedIp('169.254.169.254', 'metadata.internal'))).toEqual({ ip: '169.254.169.254', hostname: 'metadata.internal' });
});

test('as the cause of the HTTP client\'s error', () => {
	const axiosLike = Object.assign(new Error('connect failed'), { code: 'ERR_BAD_REQUEST', cause: blockedIp('10.0.0.5') });
	expect(ssrfRefusal(axiosLike)).toEqual({ ip: '10.0.0.5', hostname: undefined });
});

test('a blocked host name', () => {
	const error = Object.assign(new Error('The request was blocked'), { name: 'SsrfBlockedHostnameError', hostname: 'internal.corp' });
	expect(ssrfRefusal(error)?.hostname).toBe('internal.corp');
});

test('other failures are not refusals', () => {
	expect(ssrfRefusal(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBeUndefined();
	expect(ssrfRefusal(new Error('timeout of 1000ms exceeded'))).toBeUndefined();
	expect(ssrfRefusal(undefined)).toBeUndefined();
});

test('the hint names both settings that allow an address', () => {
	const hint = ssrfHint({ ip: '10.0.0.5' });
	expect(hint).toContain('N8N_SSRF_ALLOWED_HOSTNAMES');
	expect(hint).toContain('N8N_SSRF_ALLOWED_IP_RANGES');
	expect(hint).toContain('10.0.0.5');
});
