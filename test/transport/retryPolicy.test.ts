/**
 * The retry policy's arithmetic, where running the node would mean sitting out real time: the
 * 60 s cap on Retry-After, HTTP dates, the backoff's bounds. (What the node does with them is
 * in faults.test.ts.)
 */
import {
	MAX_RETRY_AFTER_MS,
	RETRYABLE_STATUS,
	backoffDelay,
	englishSummary,
	looksBusy,
	parseRetryAfter,
} from '../../nodes/NanoBanana/transport/retryPolicy';

const NOW = Date.parse('2026-11-21T12:00:00Z');

describe('Retry-After', () => {
	test.each([
		['0', 0],
		['1', 1000],
		['2.5', 2500],
		[' 30 ', 30_000],
		['60', 60_000],
		['61', 60_000],
		['3600', 60_000],
		[7, 7000],
		[['5', '9'], 5000],
	])('seconds %p wait %p ms', (value, ms) => {
		expect(parseRetryAfter(value, NOW)).toBe(ms);
	});

	test.each([
		['Sat, 21 Nov 2026 12:00:02 GMT', 2000],
		['Sat, 21 Nov 2026 12:00:59 GMT', 59_000],
		['Sat, 21 Nov 2026 13:00:00 GMT', 60_000],
		['Sat, 21 Nov 2026 11:59:00 GMT', 0],
	])('HTTP date %p waits %p ms (at most 60 s, never negative)', (value, ms) => {
		expect(parseRetryAfter(value, NOW)).toBe(ms);
	});

	test.each([undefined, '', 'soon', '-5', 'abc 5', '30s', {}, null])('%p is no Retry-After', (value) => {
		expect(parseRetryAfter(value, NOW)).toBeUndefined();
	});

	test('the cap is 60 s', () => {
		expect(MAX_RETRY_AFTER_MS).toBe(60_000);
	});
});

describe('backoff without Retry-After', () => {
	test.each([
		[0, 500, 1000],
		[1, 1000, 2000],
		[2, 2000, 4000],
		[3, 4000, 8000],
		[5, 15_000, 30_000],
		[9, 15_000, 30_000],
	])('attempt %p waits %p to %p ms (exponential, full jitter on the upper half, capped)', (attempt, low, high) => {
		expect(backoffDelay(attempt, () => 0)).toBe(low);
		expect(backoffDelay(attempt, () => 0.999999)).toBe(high);
		for (let i = 0; i < 50; i++) {
			const ms = backoffDelay(attempt);
			expect(ms).toBeGreaterThanOrEqual(low);
			expect(ms).toBeLessThanOrEqual(high);
		}
	});
});

test('retried statuses: 429, 500, 502, 503, 504 and no other', () => {
	expect([...RETRYABLE_STATUS].sort()).toEqual([429, 500, 502, 503, 504]);
	for (let status = 400; status < 600; status++) {
		expect(RETRYABLE_STATUS.has(status)).toBe([429, 500, 502, 503, 504].includes(status));
	}
});

test.each([
	['当前分组上游负载已饱和，请稍后再试', true],
	['上游繁忙', true],
	['The upstream is overloaded, try again later', true],
	['Rate limit reached for requests', true],
	['内容违规，请修改提示词', false],
	['Invalid size', false],
])('"%s" says busy: %p', (message, busy) => {
	expect(looksBusy(message)).toBe(busy);
});

test.each([
	['当前分组上游负载已饱和，请稍后再试', "this account group's upstream is saturated; try again later"],
	['该令牌无权使用模型 nano-banana', 'API key has no access to model'],
	['余额不足', 'insufficient balance or quota'],
	['Invalid size', undefined],
])('English for "%s": %p', (message, english) => {
	expect(englishSummary(message)).toBe(english);
});
