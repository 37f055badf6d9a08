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
import { DIALECTS } from '../nodes/NanoBanana/wireFormats/openAiDialects';

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
			'Any gateway that serves /v1/images/generations and /v1/images/edits, or /v1/chat/completions, the OpenAI way',
		),
		{
			displayName: 'Endpoint',
			name: 'endpoint',
			type: 'options',
			default: 'images',
			description: 'Which of the gateway\'s APIs the node calls for images',
			options: [
				{
					name: 'Images (/v1/images/generations and /edits)',
					value: 'images',
					description: 'The OpenAI Images API, with the field dialect below',
				},
				{
					name: 'Chat Completions (/v1/chat/completions)',
					value: 'chatCompletions',
					description: 'Gemini image models served as chat: the image comes back in the message',
				},
			],
		},
		{
			displayName: 'Field Dialect',
			name: 'dialect',
			type: 'options',
			default: 'openai',
			description:
				'How this gateway names the aspect ratio, resolution and image fields. Pick the style its documentation shows.',
			displayOptions: { show: { endpoint: ['images'] } },
			options: Object.values(DIALECTS).map((d) => ({
				name: d.displayName,
				value: d.id,
				description: d.description,
			})),
		},
		{
			displayName: 'Image Field Name',
			name: 'imageField',
			type: 'options',
			default: 'image',
			description: 'How Edit names its input images in the multipart body. Pick what the gateway\'s documentation shows.',
			displayOptions: { show: { endpoint: ['images'], dialect: ['openai'] } },
			options: [
				{
					name: 'Image (Repeated)',
					value: 'image',
					description: 'Every input image as a part named "image", as most OpenAI-style gateways document it',
				},
				{
					name: 'Image[] (OpenAI API)',
					value: 'image[]',
					description: 'Several input images as parts named "image[]", as OpenAI\'s own API and client send them',
				},
			],
		},
		maxConcurrencyProperty,
	];

	authenticate: IAuthenticateGeneric = bearerAuthentication;

	test: ICredentialTestRequest = modelListTest;
}
