/**
 * The Vertex AI credential's test (n8n's "Test" button and its check on save): a real call that
 * proves the key and the project together. With a service account it signs a token (which proves
 * the key and the account), then asks the current image model to count the tokens of one word in
 * the project and location: free, and it needs the API enabled and the Vertex AI User role. Express
 * Mode makes the same count with its key.
 */
import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { googleErrorHint } from '../answers/googleErrorInfo';
import { providerMessage } from '../answers/gatewayAnswer';
import { CURRENT_DEFAULT } from '../models/catalogue';
import { googleCloudRoute } from './googleCloudConnection';
import type { PostForm } from './googleCloudToken';
import { TokenRefused } from './googleCloudToken';

type Request = ICredentialTestFunctions['helpers']['request'];

interface FullResponse {
	statusCode: number;
	body: unknown;
}

const bodyText = (body: unknown): string => (typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : JSON.stringify(body ?? ''));

function postWith(request: Request): PostForm {
	return async (url, form) => {
		const response = (await request({ method: 'POST', uri: url, body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, resolveWithFullResponse: true, simple: false, timeout: 30_000 })) as FullResponse;
		return { status: response.statusCode, body: bodyText(response.body) };
	};
}

export async function vertexAiConnectionTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	// A credential test gets only `request` on every n8n line (1.x and 2.x): n8n's own credential tests use it too.
	// eslint-disable-next-line @n8n/community-nodes/no-deprecated-workflow-functions
	const request = this.helpers.request.bind(this.helpers);
	const route = googleCloudRoute(credential.data ?? {}, postWith(request));
	if ('hint' in route) return { status: 'Error', message: `${route.message}. ${route.hint}` };
	let headers: Record<string, string>;
	try {
		headers = await route.headers();
	} catch (error) {
		return { status: 'Error', message: error instanceof TokenRefused ? `${error.message}. ${error.hint}` : `The token could not be made: ${(error as Error).message}` };
	}
	const url = route.modelUrl(CURRENT_DEFAULT, 'countTokens');
	let response: FullResponse;
	try {
		response = (await request({
			method: 'POST',
			uri: url,
			body: { contents: [{ role: 'user', parts: [{ text: 'banana' }] }] },
			json: true,
			headers,
			resolveWithFullResponse: true,
			simple: false,
			timeout: 30_000,
		})) as FullResponse;
	} catch (error) {
		return { status: 'Error', message: `Could not reach ${new URL(url).host}: ${(error as Error).message}` };
	}
	if (response.statusCode >= 400) {
		const raw = bodyText(response.body);
		const secrets = Object.values(headers).map((v) => v.replace(/^Bearer /, ''));
		let message = `Vertex AI answered ${response.statusCode}: ${providerMessage(raw) ?? 'no message'}`;
		for (const secret of secrets) message = message.split(secret).join('[redacted]');
		const hint = googleErrorHint(raw);
		return { status: 'Error', message: hint ? `${message} ${hint}` : message };
	}
	return { status: 'OK', message: 'Connection tested successfully' };
}
