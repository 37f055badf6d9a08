/** docs/reference-clients.md shows the table of deliberate differences exactly as differences.ts holds it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { differencesTable } from './differences';

test('the docs show the one table of deliberate differences', () => {
	const doc = readFileSync(join(__dirname, '../../docs/reference-clients.md'), 'utf8');
	const table = /<!-- differences:start[^>]*-->\n([\s\S]*?)\n<!-- differences:end -->/.exec(doc)?.[1];
	expect(table).toBe(differencesTable());
});
