/**
 * Edits in rounds on the Gemini API (Keep Conversation for Follow-Up Edits, Continue From Input
 * Conversation). A conversation is the turns so far as they were sent and received: the user's
 * text and images, the model's parts with their thought signatures exactly as they came. Its images
 * live in Google's Files API (48 hours), referenced by URI, so that json carries no base64 and an
 * AI agent, which sees only json, can go on. Going on sends the earlier turns and the new
 * instruction; a conversation of another route or model, or one whose files expired, is an error
 * that says what to do; one with more images than the model takes loses its oldest turns, with a
 * warning.
 */
import type { IDataObject } from 'n8n-workflow';

import type { GatewayAnswer } from '../answers/gatewayAnswer';
import type { CallScope } from '../callScope';
import { gatewayError, itemError } from '../errors';
import type { Conversation, ConversationTurn } from '../inputs/inputConversation';
import { inputConversation } from '../inputs/inputConversation';
import type { FilePart } from '../inputs/inputParts';
import type { Warning } from '../warnings';
import { notice } from '../warnings';
import { uploadFile } from './geminiFiles';
import type { CallPlan, ExchangeSteps, WireCall } from './wireFormat';
import { namingFailures } from './wireFormat';

const isImagePart = (part: IDataObject) => part.fileData !== undefined || part.inlineData !== undefined;
const imagesIn = (turns: ConversationTurn[]) => turns.reduce((n, t) => n + t.parts.filter(isImagePart).length, 0);

/** The earlier turns to send, checked against the route, the model and the clock, trimmed to the images the model takes. */
export function historyFor(scope: CallScope, warnings: Warning[]): Conversation | undefined {
	const { ctx, s } = scope;
	const conversation = inputConversation(ctx, s.itemIndex, s.continueConversation);
	if (!conversation) return undefined;
	if (conversation.provider !== s.provider.id || conversation.model !== s.model) {
		throw itemError(ctx, s.itemIndex, `The input conversation was held with ${conversation.model} on ${conversation.provider}, and this node sends ${s.model} on ${s.provider.id}`, 'A conversation goes on with the model and the provider that began it: set the same Model and credential, or start again without Continue From Input Conversation.');
	}
	if (Date.parse(conversation.expires) <= Date.now()) {
		throw itemError(ctx, s.itemIndex, `The input conversation's images expired on ${conversation.expires}`, "Google keeps uploaded files for 48 hours. Start again: edit the last image without Continue From Input Conversation, with Keep Conversation for Follow-Up Edits on.");
	}
	if (s.imageSource === 'url' && s.imageUrls.length > 0) {
		warnings.push(notice('Image URLs were not sent: going on from the conversation, whose turns hold the picture. The prompt is the next instruction.'));
	}
	const max = s.facts.record?.maxInputs;
	let turns = conversation.turns;
	let dropped = 0;
	// Whole rounds (the user's turn and the model's answer) go, oldest first; the last round always stays.
	while (max !== undefined && imagesIn(turns) > max && turns.length > 2) {
		turns = turns.slice(2);
		dropped += 2;
	}
	if (dropped > 0) warnings.push(notice(`The conversation held more images than the ${max} ${s.model} takes in one request: its ${dropped} oldest turns were left out.`));
	return { ...conversation, turns };
}

/** A part of an answer or a request as the conversation keeps it: an inline image uploaded and named by its Files API link. */
async function keptPart(plan: CallPlan, steps: ExchangeSteps, part: IDataObject, n: number, expiries: string[]): Promise<IDataObject> {
	const inline = (part.inlineData ?? part.inline_data) as { mimeType?: string; mime_type?: string; data?: string } | undefined;
	if (!inline?.data) return part;
	const bytes = Buffer.from(inline.data, 'base64');
	const mimeType = inline.mimeType ?? inline.mime_type ?? 'image/png';
	const file: FilePart = { property: 'the conversation', filename: `nano-banana-turn-${n}.${mimeType.split('/')[1] ?? 'png'}`, contentType: mimeType, size: bytes.length, open: async () => bytes };
	const uploaded = await uploadFile({ ...plan, steps }, file);
	expiries.push(uploaded.expires);
	const { inlineData: _i, inline_data: _d, ...rest } = part;
	return { fileData: { mimeType: uploaded.mimeType, fileUri: uploaded.uri }, ...rest };
}

/** This call's user turn as the conversation keeps it: the prompt, and each input image as a Files API link (uploaded once for all the item's calls). */
export interface KeptUserTurn {
	turn: ConversationTurn;
	expiries: string[];
}

export async function keptUserTurn(plan: CallPlan, uploaded: Map<FilePart, { mimeType: string; fileUri: string }>): Promise<KeptUserTurn> {
	const expiries: string[] = [];
	const parts: IDataObject[] = [{ text: plan.scope.s.prompt }];
	for (const part of plan.inputs.images) {
		const known = uploaded.get(part);
		if (known) {
			parts.push({ fileData: known });
			continue;
		}
		const file = await uploadFile(plan, part);
		expiries.push(file.expires);
		parts.push({ fileData: { mimeType: file.mimeType, fileUri: file.uri } });
	}
	return { turn: { role: 'user', parts }, expiries };
}

/** The conversation after this answer: the turns sent, the user's turn and the model's, every image as a Files API link. */
export async function conversationAfter(plan: CallPlan, steps: ExchangeSteps, sent: { history?: Conversation; user: KeptUserTurn }, answer: GatewayAnswer): Promise<Conversation | undefined> {
	if (!answer.modelTurn) return undefined;
	const { s } = plan.scope;
	const expiries = [...(sent.history ? [sent.history.expires] : []), ...sent.user.expiries];
	const modelParts = Array.isArray(answer.modelTurn.parts) ? (answer.modelTurn.parts as IDataObject[]) : [];
	const parts = await Promise.all(modelParts.map(async (part, n) => await keptPart(plan, steps, part, n, expiries)));
	const expires = expiries.sort()[0] ?? new Date(Date.now() + 48 * 3600 * 1000).toISOString();
	return { provider: s.provider.id, model: s.model, expires, turns: [...(sent.history?.turns ?? []), sent.user.turn, { role: 'model', parts }] };
}

/** Going on from a conversation whose files Google no longer has: an error that says to start again. */
export function namingExpiredFiles(scope: CallScope, history: Conversation | undefined, exchange: WireCall['exchange']): WireCall['exchange'] {
	if (!history) return exchange;
	return namingFailures(exchange, (failure) => {
		if ((failure.status !== 403 && failure.status !== 404) || !/\bFile\b/.test(failure.text)) return undefined;
		return gatewayError(scope, failure.status, `Google no longer has the input conversation's images: ${failure.text}`, 'Google keeps uploaded files for 48 hours, and only for the API key that uploaded them. Start again: edit the last image without Continue From Input Conversation, with Keep Conversation for Follow-Up Edits on.');
	});
}
