import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiKeyProperty, maxConcurrencyProperty } from './gatewayCredential';

/**
 * Google Cloud's Vertex AI: a service account's JSON key (the node signs its own OAuth token
 * from it, nodes/NanoBanana/route/googleCloudAuth.ts) or an Express Mode API key. The node tests
 * it with a real call (NanoBanana.node.ts, `vertexAiConnectionTest`): a token, then a free
 * countTokens on an image model in the project and location.
 */
// eslint-disable-next-line @n8n/community-nodes/credential-test-required -- tested by the node (testedBy: vertexAiConnectionTest, set from PROVIDERS): a declarative test cannot sign a service account's token
export class VertexAiImageApi implements ICredentialType {
	name = 'vertexAiImageApi';

	// eslint-disable-next-line n8n-nodes-base/cred-class-field-display-name-missing-api -- the product's name; it is an API
	displayName = 'Google Vertex AI';

	icon = {
		light: 'file:../nodes/NanoBanana/nanoBanana.svg',
		dark: 'file:../nodes/NanoBanana/nanoBanana.dark.svg',
	} as const;

	documentationUrl = 'https://cloud.google.com/vertex-ai/generative-ai/docs/start/quickstarts/quickstart-multimodal';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			default: 'serviceAccount',
			options: [
				{ name: 'Service Account', value: 'serviceAccount', description: "A service account's JSON key, for a Google Cloud project" },
				{ name: 'Express Mode API Key', value: 'expressApiKey', description: "Vertex AI's Express Mode: an API key, no project" },
			],
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the key file holds the account's private key
		{
			displayName: 'Service Account Key (JSON)',
			name: 'serviceAccountKey',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			required: true,
			default: '',
			placeholder: '{ "type": "service_account", "project_id": "...", "private_key": "...", "client_email": "..." }',
			description:
				'The whole JSON key file of the service account (IAM > Service accounts > Keys > Add key > JSON). The account needs the Vertex AI User role in the project.',
			displayOptions: { show: { authentication: ['serviceAccount'] } },
		},
		{
			displayName: 'Project ID',
			name: 'projectId',
			type: 'string',
			default: '',
			placeholder: 'my-project-123',
			description: "The Google Cloud project to bill and to run in. Empty: the key's own project_id.",
			displayOptions: { show: { authentication: ['serviceAccount'] } },
		},
		{
			...apiKeyProperty('Vertex AI Express Mode'),
			description: 'A Vertex AI Express Mode API key (console.cloud.google.com/vertex-ai). It is sent in the x-goog-api-key header.',
			displayOptions: { show: { authentication: ['expressApiKey'] } },
		},
		{
			displayName: 'Location',
			name: 'location',
			type: 'string',
			default: 'global',
			placeholder: 'global',
			description:
				'Where requests run and data stays: global (the image models are served there), or a region such as us-central1 or europe-west4, which uses {location}-aiplatform.googleapis.com',
			displayOptions: { show: { authentication: ['serviceAccount'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'https://aiplatform.googleapis.com',
			description: 'Empty: Google\'s address for the location. Set it for a Private Service Connect endpoint or a proxy, without the /v1 part.',
		},
		maxConcurrencyProperty,
	];
}
