/**
 * When a failed gateway call is worth sending again, and how long to wait first.
 * Retried: 429, 500, 502, 503, 504, connections refused or reset, socket timeouts, and the
 * "busy, try later" errors gateways hide inside an HTTP 200. Never retried: other 4xx,
 * and answers where the model chose to reply with text (that call was billed).
 */

export const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED', // axios: timeout exceeded
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ERR_BAD_RESPONSE', // truncated or aborted answer
]);

/** Longest wait a gateway's Retry-After may impose before one retry. */
export const MAX_RETRY_AFTER_MS = 60_000;

const BASE_DELAY_MS = 1_000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Exponential backoff with half jitter: attempt 0 waits 0.5 to 1 s, then up to 2 s, 4 s ... capped
 * at 30 s. A slow tier's calls start from their own first wait (Flex: 30 to 60 s), capped at eight
 * times it.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, firstMs: number = BASE_DELAY_MS): number {
	const ceiling = Math.min(Math.max(MAX_BACKOFF_MS, firstMs * 8), firstMs * 2 ** attempt);
	return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const s = String(text).trim();
	if (s === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(s)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(s) * 1000));
	// All three HTTP-date forms carry hh:mm:ss; without it V8's lenient parser reads "-5" or
	// "abc 5" as a day in 2001 (a wait of 0), where the backoff is the right answer.
	if (!/\b\d{1,2}:\d{2}:\d{2}\b/.test(s)) return undefined;
	const date = Date.parse(s);
	if (Number.isNaN(date)) return undefined;
	return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - now));
}

/**
 * Google's wait-before-retrying, which it sends in the error body instead of a Retry-After
 * header: `{"error": {"details": [{"@type": "...RetryInfo", "retryDelay": "13s"}]}}`.
 */
export function retryDelayInBody(raw: Buffer | string): number | undefined {
	const text = typeof raw === 'string' ? raw : raw.toString('utf8');
	if (!text.includes('retryDelay')) return undefined;
	try {
		const details = (JSON.parse(text) as { error?: { details?: unknown } })?.error?.details;
		if (!Array.isArray(details)) return undefined;
		for (const detail of details) {
			const delay = (detail as { retryDelay?: unknown } | null)?.retryDelay;
			const m = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay.trim()) : null;
			if (m) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(m[1]) * 1000));
		}
	} catch {
		// not JSON
	}
	return undefined;
}

/**
 * Messages that mean "busy, try again later" even when they arrive inside an HTTP 200 or
 * with an odd status: the gateways' own words, in English and Chinese.
 */
const BUSY_PATTERNS: RegExp[] = [
	/负载已饱和/,
	/上游.*(饱和|繁忙|过载)/,
	/请稍后(再)?(试|重试)/,
	/(繁忙|过载|限流)/,
	/\bsaturated\b/i,
	/\boverloaded\b/i,
	/\brate.?limit/i,
	/too many requests/i,
	/try again later/i,
	/temporarily unavailable/i,
	/\bupstream\b.*\b(busy|error|timeout)/i,
];

export function looksBusy(message: string | undefined): boolean {
	return message !== undefined && BUSY_PATTERNS.some((p) => p.test(message));
}

/** A plain-English reading of the usual Chinese gateway messages, phrase by phrase. */
const CHINESE_GLOSSARY: Array<[RegExp, string]> = [
	[/当前分组/, "this account group's"],
	[/上游/, 'upstream'],
	[/负载已?饱和/, 'is saturated'],
	[/繁忙/, 'is busy'],
	[/过载/, 'is overloaded'],
	[/限流|频率/, 'rate limited'],
	[/请稍后(再)?(试|重试)/, 'try again later'],
	[/余额不足|额度不足|配额/, 'insufficient balance or quota'],
	[/令牌|密钥|key/i, 'API key'],
	[/无权|没有权限|权限不足/, 'has no access to'],
	[/无效|不正确|错误/, 'invalid'],
	[/过期/, 'expired'],
	[/模型/, 'model'],
	[/不存在|未找到|找不到/, 'not found'],
	[/不支持/, 'not supported'],
	[/敏感|违规|安全/, 'blocked by content policy'],
	[/超时/, 'timed out'],
	[/图片|图像/, 'image'],
	[/参数/, 'parameter'],
];

const CJK = /[\u3400-\u9fff]/;

/**
 * For a message with Chinese in it, an English summary built from the phrases it contains,
 * for example "当前分组上游负载已饱和，请稍后再试" gives "this account group's upstream is
 * saturated; try again later". The original message is always kept next to it.
 */
export function englishSummary(message: string): string | undefined {
	if (!CJK.test(message)) return undefined;
	const words = CHINESE_GLOSSARY.filter(([pattern]) => pattern.test(message)).map(([, english]) => english);
	if (words.length === 0) return 'the gateway answered in Chinese (see the original message)';
	let summary = words.join(' ');
	summary = summary.replace(' try again later', '; try again later');
	return summary;
}

interface NetworkErrorLike {
	code?: string;
	message?: string;
	messages?: unknown;
	cause?: { code?: string; message?: string };
}

/**
 * Everything a failed request says about itself. n8n's `httpRequestWithAuthentication` wraps
 * the axios error in a NodeApiError that keeps neither its `code` nor its `cause`, and swaps
 * its message for a generic one ("The service refused the connection - perhaps it is
 * offline"); the original words ("connect ECONNREFUSED 127.0.0.1:9", "socket hang up",
 * "timeout of 1000ms exceeded", "stream has been aborted") survive only in `messages`.
 */
function errorTexts(error: unknown): string[] {
	const e = (error ?? {}) as NetworkErrorLike;
	const texts = [e.message, e.cause?.message, ...(Array.isArray(e.messages) ? (e.messages as unknown[]) : [])];
	return texts.filter((t): t is string => typeof t === 'string' && t !== '');
}

const NETWORK_CODE_IN_TEXT = /\b(ECONN(?:REFUSED|RESET|ABORTED)|E(?:SOCKET)?TIMEDOUT|EPIPE|EAI_AGAIN|ENOTFOUND|EHOSTUNREACH|ENETUNREACH)\b/;

export function networkCode(error: unknown): string | undefined {
	const e = (error ?? {}) as NetworkErrorLike;
	const code = e.code ?? e.cause?.code;
	if (code) return code;
	const texts = errorTexts(error);
	for (const text of texts) {
		const found = NETWORK_CODE_IN_TEXT.exec(text);
		if (found) return found[1];
	}
	if (texts.some((t) => /socket hang up/i.test(t))) return 'ECONNRESET';
	return undefined;
}

export function isTimeout(error: unknown): boolean {
	const code = networkCode(error);
	return code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || errorTexts(error).some((t) => /timeout|timed out/i.test(t));
}

/** The answer had begun (status and headers came) when the connection broke. */
export function isCutOff(error: unknown): boolean {
	return (
		networkCode(error) === 'ERR_BAD_RESPONSE' ||
		errorTexts(error).some((t) => /stream has been aborted|premature close|unexpected end/i.test(t))
	);
}

export function isRetryableNetworkError(error: unknown): boolean {
	const code = networkCode(error);
	if (code && RETRYABLE_NETWORK_CODES.has(code)) return true;
	return errorTexts(error).some((t) => /socket hang up|aborted|timeout|timed out|closed unexpectedly/i.test(t));
}
