import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	INodeProperties,
} from 'n8n-workflow';

import { BASE_URL_EXPRESSION } from '../nodes/NanoBanana/route/baseUrl';

export { BASE_URL_EXPRESSION };

/**
 * The parts every image-gateway credential shares: an API key sent as a Bearer token,
 * an editable base URL (gateways have mirror hosts), and a test call that really checks
 * the key against the gateway's model list.
 */

export function apiKeyProperty(where: string, sentAs = 'It is sent as a Bearer token.'): INodeProperties {
	return {
		displayName: 'API Key',
		name: 'apiKey',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: `The API key from your ${where} account. ${sentAs}`,
	};
}

export function baseUrlProperty(defaultUrl: string, hint?: string, versionPart = '/v1'): INodeProperties {
	return {
		displayName: 'Base URL',
		name: 'baseUrl',
		type: 'string',
		required: true,
		default: defaultUrl,
		placeholder: 'https://api.example.com',
		description: `The API address without the ${versionPart} part. Change it to use a mirror host or a proxy of the same API.`,
		...(hint ? { hint } : {}),
	};
}

/** The account-wide cap every credential has (nodes/NanoBanana/transport/accountGate.ts). */
export const maxConcurrencyProperty: INodeProperties = {
	displayName: 'Max Requests in Flight',
	name: 'maxConcurrency',
	type: 'number',
	default: 0,
	typeOptions: { minValue: 0, maxValue: 100 },
	description:
		"The most requests this account may have running at once, across every workflow and execution that uses this credential in this n8n process. 0 means no account-wide cap (each node's Concurrency still applies).",
	hint: 'Set it to your plan\'s limit when many executions run at once (webhooks). A 429 from the gateway pauses and slows all of them together. In queue mode each worker counts on its own.',
};

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
		baseURL: BASE_URL_EXPRESSION,
		url: '/v1/models',
		method: 'GET',
	},
};
