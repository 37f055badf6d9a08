import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import { BASE_URL_EXPRESSION, apiKeyProperty, baseUrlProperty, maxConcurrencyProperty } from './gatewayCredential';

/** Google's Gemini API with an AI Studio key: the key goes in the x-goog-api-key header, never in the URL. */
export class GoogleGeminiImageApi implements ICredentialType {
	name = 'googleGeminiImageApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api -- the name Google's users know it by; "API" is in it
	displayName = 'Google Gemini API (AI Studio)';

	icon = {
		light: 'file:../nodes/NanoBanana/nanoBanana.svg',
		dark: 'file:../nodes/NanoBanana/nanoBanana.dark.svg',
	} as const;

	documentationUrl = 'https://ai.google.dev/gemini-api/docs/api-key';

	properties: INodeProperties[] = [
		apiKeyProperty('Google AI Studio (aistudio.google.com/apikey)', 'It is sent in the x-goog-api-key header.'),
		baseUrlProperty('https://generativelanguage.googleapis.com', undefined, '/v1beta'),
		maxConcurrencyProperty,
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'x-goog-api-key': '={{$credentials.apiKey}}',
			},
		},
	};

	/** Lists the models: Google answers 400 API_KEY_INVALID for a wrong key. */
	test: ICredentialTestRequest = {
		request: {
			baseURL: BASE_URL_EXPRESSION,
			url: '/v1beta/models',
			method: 'GET',
		},
	};
}
