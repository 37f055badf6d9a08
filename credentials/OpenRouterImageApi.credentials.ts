import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { BASE_URL_EXPRESSION, apiKeyProperty, baseUrlProperty, bearerAuthentication, maxConcurrencyProperty } from './gatewayCredential';

export class OpenRouterImageApi implements ICredentialType {
	name = 'openRouterImageApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api -- shown as OpenRouter, like n8n's own OpenRouter credential
	displayName = 'OpenRouter';

	icon = {
		light: 'file:../nodes/NanoBanana/nanoBanana.svg',
		dark: 'file:../nodes/NanoBanana/nanoBanana.dark.svg',
	} as const;

	documentationUrl = 'https://openrouter.ai/docs/api-reference/authentication';

	properties: INodeProperties[] = [
		apiKeyProperty('OpenRouter (openrouter.ai/keys)'),
		baseUrlProperty('https://openrouter.ai/api'),
		maxConcurrencyProperty,
	];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	/**
	 * OpenRouter's model list answers without a key, so it would pass any key: the test asks
	 * about the key itself (GET /v1/key, 401 for a wrong one).
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: '/v1/key',
			method: 'GET',
		},
	};
}
