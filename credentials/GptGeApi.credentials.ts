import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

import {
	apiKeyProperty,
	baseUrlProperty,
	bearerAuthentication,
	maxConcurrencyProperty,
	modelListTest,
} from './gatewayCredential';

export class GptGeApi implements ICredentialType {
	name = 'gptGeApi';

	displayName = 'V-API (gpt.ge) API';

	icon = {
		light: 'file:../nodes/NanoBanana/nanoBanana.svg',
		dark: 'file:../nodes/NanoBanana/nanoBanana.dark.svg',
	} as const;

	documentationUrl = 'https://api.gpt.ge';

	properties: INodeProperties[] = [apiKeyProperty('V-API'), baseUrlProperty('https://api.gpt.ge'), maxConcurrencyProperty];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	test: ICredentialTestRequest = modelListTest;
}
