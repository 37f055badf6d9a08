/**
 * @google/genai, as jest loads it: the package ships ES module types only, while its CommonJS
 * build is what a CommonJS test requires. The types are taken in import mode.
 */
type GenAi = typeof import('@google/genai', { with: { 'resolution-mode': 'import' } });

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const genai = require('@google/genai') as GenAi;
