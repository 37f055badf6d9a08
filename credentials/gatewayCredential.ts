import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	INodeProperties,
} from 'n8n-workflow';

/**
 * The parts every image-gateway credential shares: an API key sent as a Bearer token,
 * an editable base URL (gateways have mirror hosts), and a test call that really checks
 * the key against the gateway's model list.
 */

export function apiKeyProperty(where: string): INodeProperties {
	return {
		displayName: 'API Key',
		name: 'apiKey',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: `The API key from your ${where} account. It is sent as a Bearer token.`,
	};
}

export function baseUrlProperty(defaultUrl: string, hint?: string): INodeProperties {
	return {
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		required: true,
		default: defaultUrl,
		placeholder: 'https://api.example.com',
		description:
			'The gateway address without the /v1 part. Change it to use a mirror host of the same gateway.',
		...(hint ? { hint } : {}),
	};
}

export const bearerAuthentication: IAuthenticateGeneric = {
	type: 'generic',
	properties: {
		headers: {
			Authorization: '=Bearer {{$credentials.apiKey}}',
		},
	},
};

/** GET {base}/v1/models: answers 401 for a wrong key on every gateway in the seeds. */
export const modelListTest: ICredentialTestRequest = {
	request: {
		baseURL: '={{ $credentials.baseUrl.trim().replace(/\\/+$/, "").replace(/\\/v1$/i, "") }}',
		url: '/v1/models',
		method: 'GET',
	},
};
