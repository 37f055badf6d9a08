/**
 * Lint, in one ESLint 9 flat config:
 * - n8n's classic community rule sets for nodes, credentials and package.json
 *   (eslint-plugin-n8n-nodes-base), as n8n's node starter applies them;
 * - n8n's own community-node lint (@n8n/eslint-plugin-community-nodes), the rules n8n checks
 *   packages against, in its self-hosted preset (`recommendedWithoutN8nCloudSupport`): this
 *   package uses `form-data` at run time and Node's own modules, which n8n Cloud does not allow.
 */
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const base = n8nNodesBase.configs;
const plugins = { 'n8n-nodes-base': n8nNodesBase };

export default [
	{ ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { project: ['./tsconfig.json'], sourceType: 'module' } },
	},
	{
		files: ['package.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
		plugins,
		rules: {
			...base.community.rules,
			'n8n-nodes-base/community-package-json-name-still-default': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		plugins,
		rules: {
			...base.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-missing': 'off',
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		plugins,
		rules: {
			...base.nodes.rules,
			'n8n-nodes-base/node-execute-block-missing-continue-on-fail': 'off',
			'n8n-nodes-base/node-resource-description-filename-against-convention': 'off',
			'n8n-nodes-base/node-param-fixed-collection-type-unsorted-items': 'off',
			// These two still want the string 'main'; n8n's newer lint (below) wants
			// NodeConnectionTypes.Main, which every supported n8n line exports.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		...n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport,
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		rules: {
			// `form-data` builds the multipart bodies of the OpenAI-style edit routes: part of the
			// package's design (n8n's own nodes use it the same way), so the one runtime dependency stays.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
			// n8n's rule wants exactly "*"; this package states the n8n-workflow range it is tested
			// against (n8n 1.123 ships 1.120, 2.8 ships 2.8, 2.41 ships 2.41), as its users need to
			// know. n8n drops peer dependencies when it installs a package, so nothing else changes.
			'@n8n/community-nodes/valid-peer-dependencies': 'off',
			// The package has no published maintainer address yet (package.json names the
			// contributors); add "author.email" before the first release and turn this back on.
			'@n8n/community-nodes/valid-author': 'off',
		},
	},
];
