/**
 * Reading an image's type and size from its bytes (images/imageInfo.ts), for inputs and answers
 * alike, and naming what came instead of an image.
 */
import { describeNonImage, readImageInfo } from '../../nodes/NanoBanana/images/imageInfo';
import { encodeJpeg, encodePng, makeWebp } from '../double/images';

describe('readImageInfo', () => {
	test.each([
		['PNG', encodePng(300, 200, 1), 'image/png', 'png', 300, 200],
		['JPEG', encodeJpeg(90, 60, 2), 'image/jpeg', 'jpg', 90, 60],
		['WebP', makeWebp(33, 44), 'image/webp', 'webp', 33, 44],
	])('%s: type, extension and size from the bytes', (_name, bytes, mimeType, extension, width, height) => {
		expect(readImageInfo(bytes)).toMatchObject({ mimeType, extension, width, height });
	});

	test.each([
		['an HTML page', Buffer.from('<!doctype html><html><title>Forbidden</title></html>')],
		['JSON', Buffer.from('{"error":"expired"}')],
		['nothing', Buffer.alloc(0)],
	])('%s is not an image', (_name, bytes) => {
		expect(readImageInfo(bytes)).toBeUndefined();
		expect(describeNonImage(bytes).length).toBeGreaterThan(0);
	});

	test('what came instead of an image is named', () => {
		expect(describeNonImage(Buffer.from('<html><title>Access denied</title></html>'))).toBe('it looks like an HTML or XML page');
		expect(describeNonImage(Buffer.from('{"error":"expired"}'))).toBe('it looks like JSON text');
		expect(describeNonImage(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe('it starts with bytes 0102030405060708');
	});
});
