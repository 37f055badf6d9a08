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
	modelListTest,
} from './gatewayCredential';
import { DIALECTS } from '../nodes/NanoBanana/providers';

export class OpenAiCompatibleImageApi implements ICredentialType {
	name = 'openAiCompatibleImageApi';

	displayName = 'OpenAI-Compatible Image Gateway API';

	icon = {
		light: 'file:../nodes/NanoBanana/nanoBanana.svg',
		dark: 'file:../nodes/NanoBanana/nanoBanana.dark.svg',
	} as const;

	documentationUrl = 'https://github.com/n8n-nodes-nano-banana/n8n-nodes-nano-banana#providers';

	properties: INodeProperties[] = [
		apiKeyProperty('gateway'),
		baseUrlProperty(
			'',
			'Any gateway that serves /v1/images/generations and /v1/images/edits the OpenAI way',
		),
		{
			displayName: 'Field Dialect',
			name: 'dialect',
			type: 'options',
			default: 'openai',
			description:
				'How this gateway names the aspect ratio, resolution and image fields. Pick the style its documentation shows.',
			options: Object.values(DIALECTS).map((d) => ({
				name: d.displayName,
				value: d.id,
				description: d.description,
			})),
		},
	];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	test: ICredentialTestRequest = modelListTest;
}
