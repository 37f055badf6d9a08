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

export class TuZiApi implements ICredentialType {
	name = 'tuZiApi';

	displayName = 'Tu-Zi API';

	icon = {
		light: 'file:../nodes/NanoBanana/nanoBanana.svg',
		dark: 'file:../nodes/NanoBanana/nanoBanana.dark.svg',
	} as const;

	documentationUrl = 'https://api.tu-zi.com';

	properties: INodeProperties[] = [apiKeyProperty('Tu-zi'), baseUrlProperty('https://api.tu-zi.com'), maxConcurrencyProperty];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	test: ICredentialTestRequest = modelListTest;
}
