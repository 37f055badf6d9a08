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

export class TheTurboApi implements ICredentialType {
	name = 'theTurboApi';

	displayName = 'TheTurbo (Zenlayer) API';

	icon = {
		light: 'file:../nodes/NanoBanana/nanoBanana.svg',
		dark: 'file:../nodes/NanoBanana/nanoBanana.dark.svg',
	} as const;

	documentationUrl = 'https://docs.console.zenlayer.com/api-reference';

	properties: INodeProperties[] = [apiKeyProperty('TheTurbo (Zenlayer)'), baseUrlProperty('https://gateway.theturbo.ai'), maxConcurrencyProperty];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	test: ICredentialTestRequest = modelListTest;
}
