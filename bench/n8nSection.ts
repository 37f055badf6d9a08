/** Where `npm run bench:n8n` writes its figures in docs/performance.md; `npm run bench` keeps that part as it is. */
export const N8N_SECTION_START = '<!-- bench:n8n start -->';
export const N8N_SECTION_END = '<!-- bench:n8n end -->';
