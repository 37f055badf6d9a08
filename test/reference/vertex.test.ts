/**
 * The Vertex AI route held to @google/genai in Vertex mode (`vertexai: true`, a project and a
 * location, API version v1) and in Express Mode (an API key): the node's generateContent requests
 * equal the client's, and so does the token request of a service account, which the client's auth
 * library (google-auth-library) makes to Google's fixed token URL: its fetch is pointed at the
 * capture server. The grant type, the JWT header and the iss, scope, iat and exp claims must
 * match; `aud` and the token URL are the deliberate difference `tokenAudience`.
 */
import { generateKeyPairSync } from 'node:crypto';

import { CURRENT_DEFAULT } from '../../nodes/NanoBanana/models/catalogue';
import { genai } from './genai';
import type { ReferenceCase } from './referenceKit';
import { API_KEY, HEADERS_THAT_MATTER, describeReference } from './referenceKit';

const PROMPT = 'A yellow ceramic mug on a marble table, studio light';
const PROJECT = 'reference-project';
const CLIENT_EMAIL = 'reference@reference-project.iam.gserviceaccount.com';
const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

// The node caches a token per key for the process: each case gets a key of its own (its own token
// address on the server), and the client's auth library is pointed at that same address.
let cases = 0;
const tokenPath = (n: number) => `/case-${n}/token`;
const fetchVia = (url: string, n: number): typeof fetch => async (input, init) => {
	const target = String(input instanceof Request ? input.url : input).replace('https://oauth2.googleapis.com/token', `${url}${tokenPath(n)}`);
	return await fetch(target, init);
};

function serviceAccount(location: string): { credentialAt: (url: string) => Record<string, string>; client: (url: string) => InstanceType<typeof genai.GoogleGenAI> } {
	const n = ++cases;
	return {
		credentialAt: (url) => ({
			authentication: 'serviceAccount',
			serviceAccountKey: JSON.stringify({ type: 'service_account', project_id: PROJECT, private_key: privateKey, client_email: CLIENT_EMAIL, token_uri: `${url}${tokenPath(n)}` }),
			location,
			projectId: '',
		}),
		client: (url) =>
			new genai.GoogleGenAI({
				vertexai: true,
				project: PROJECT,
				location,
				googleAuthOptions: { credentials: { client_email: CLIENT_EMAIL, private_key: privateKey }, clientOptions: { transporterOptions: { fetchImplementation: fetchVia(url, n) } } },
				httpOptions: { baseUrl: url, apiVersion: 'v1', fetch: async (input, init) => await fetch(input, init) },
			}),
	};
}

const generateCase = serviceAccount('global');
const regionalCase = serviceAccount('europe-west4');
const editCase = serviceAccount('global');

const CASES: ReferenceCase[] = [
	{
		name: 'Generate with a service account, the default model: the token request, then generateContent in the project at global',
		node: { provider: 'vertexAi', parameters: { operation: 'generate', prompt: PROMPT }, credentialAt: generateCase.credentialAt },
		client: async (url) => await generateCase.client(url).models.generateContent({ model: CURRENT_DEFAULT, contents: PROMPT, config: { responseModalities: ['IMAGE'] } }),
		headers: HEADERS_THAT_MATTER.vertex,
		differences: ['tokenAudience'],
	},
	{
		name: 'Generate in a region with ratio, size and JPEG output at quality 80 (imageOutputOptions)',
		node: {
			provider: 'vertexAi',
			parameters: { operation: 'generate', model: 'gemini-3-pro-image', prompt: PROMPT, aspectRatio: '16:9', resolution: '2K', options: { outputMimeType: 'image/jpeg', jpegQuality: 80 } },
			credentialAt: regionalCase.credentialAt,
		},
		client: async (url) =>
			await regionalCase.client(url).models.generateContent({
				model: 'gemini-3-pro-image',
				contents: PROMPT,
				config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K', outputMimeType: 'image/jpeg', outputCompressionQuality: 80 } },
			}),
		headers: HEADERS_THAT_MATTER.vertex,
		differences: ['tokenAudience'],
	},
	{
		name: 'Edit an inline image and a gs:// object (fileData)',
		node: {
			provider: 'vertexAi',
			parameters: { operation: 'edit', model: 'gemini-3-pro-image', prompt: PROMPT, imageSource: 'url', imageUrls: 'gs://shop-assets/mugs/yellow.png' },
			credentialAt: editCase.credentialAt,
		},
		client: async (url) =>
			await editCase.client(url).models.generateContent({
				model: 'gemini-3-pro-image',
				contents: [{ role: 'user', parts: [{ text: PROMPT }, { fileData: { mimeType: 'image/png', fileUri: 'gs://shop-assets/mugs/yellow.png' } }] }],
				config: { responseModalities: ['IMAGE'] },
			}),
		headers: HEADERS_THAT_MATTER.vertex,
		differences: ['tokenAudience'],
	},
	{
		name: 'Express Mode: the API key, the publisher address without a project',
		node: { provider: 'vertexAi', parameters: { operation: 'generate', model: 'gemini-3-pro-image', prompt: PROMPT, aspectRatio: '4:5' }, credential: { authentication: 'expressApiKey' } },
		client: async (url) =>
			await new genai.GoogleGenAI({ vertexai: true, apiKey: API_KEY, httpOptions: { baseUrl: url, apiVersion: 'v1', fetch: async (input, init) => await fetch(input, init) } }).models.generateContent({
				model: 'gemini-3-pro-image',
				contents: PROMPT,
				config: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:5' } },
			}),
		headers: HEADERS_THAT_MATTER.vertex,
	},
];

describeReference('Google Vertex AI: the node sends what @google/genai sends', CASES);
