/**
 * The code's shape, as the project's rules read it (scripts/code-shape.ts): no import cycles in
 * nodes/ and credentials/ (type-only imports count), no code file over 250 lines, no function over
 * 60. Data tables (the model catalogue, the parameter descriptions) are exempt, and hold data only.
 */
import { DATA_FILES, codeShape } from '../../scripts/code-shape';

const shape = codeShape();

test('no import cycles', () => {
	expect(shape.cycles).toEqual([]);
});

test('no code file over 250 lines', () => {
	expect(shape.files.filter((f) => f.lines > 250 && !DATA_FILES.includes(f.file))).toEqual([]);
});

test('no function over 60 lines (data tables aside)', () => {
	expect(shape.functions.filter((f) => f.lines > 60 && !DATA_FILES.includes(f.file))).toEqual([]);
});

test('the data files exist and hold no function of their own beyond small helpers', () => {
	for (const file of DATA_FILES) expect(shape.files.map((f) => f.file)).toContain(file);
	expect(shape.functions.filter((f) => DATA_FILES.includes(f.file) && f.lines > 25)).toEqual([]);
});

test('the graph is read: the pipeline file imports its stages', () => {
	expect(shape.imports['nodes/NanoBanana/imageCall.ts']).toEqual(expect.arrayContaining(['nodes/NanoBanana/route/connection.ts', 'nodes/NanoBanana/transport/send.ts', 'nodes/NanoBanana/answers/outputItems.ts']));
});
