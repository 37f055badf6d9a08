/**
 * Edit's "Continue From Input Conversation": the conversation a Nano Banana node put in the input
 * item's `json.conversation` (its turns as sent and received, images as Files API links, the
 * model's thought signatures), read and checked for its shape. An item without one has none: it
 * is edited from its images as usual. A malformed one is the item's error, naming the field.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { itemError } from '../errors';

export interface ConversationTurn extends IDataObject {
	role: 'user' | 'model';
	parts: IDataObject[];
}

export interface Conversation extends IDataObject {
	/** The provider and the model that began it: it goes on with them only. */
	provider: string;
	model: string;
	/** When the first of its files leaves Google's Files API. */
	expires: string;
	turns: ConversationTurn[];
}

const isObject = (v: unknown): v is IDataObject => typeof v === 'object' && v !== null && !Array.isArray(v);

function isTurn(turn: unknown): turn is ConversationTurn {
	return isObject(turn) && (turn.role === 'user' || turn.role === 'model') && Array.isArray(turn.parts) && turn.parts.every(isObject);
}

/** The Conversation field's value: an object (the input item's, by default), or JSON text (an agent's); none when empty. */
function conversationValue(ctx: IExecuteFunctions, itemIndex: number): unknown {
	const value = ctx.getNodeParameter('conversation', itemIndex, undefined) as unknown;
	if (typeof value !== 'string') return isObject(value) && Object.keys(value).length === 0 ? undefined : value;
	if (value.trim() === '') return undefined;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		throw itemError(ctx, itemIndex, '"Conversation" is not JSON', 'Pass the conversation a Nano Banana node put out, unchanged (an object, or its JSON text).');
	}
}

/** The item's conversation, when it has one and Continue From Input Conversation is on. */
export function inputConversation(ctx: IExecuteFunctions, itemIndex: number, continueIt: boolean): Conversation | undefined {
	if (!continueIt) return undefined;
	const value = conversationValue(ctx, itemIndex);
	if (value === undefined || value === null) return undefined;
	const c = value as IDataObject;
	const shaped = isObject(value) && typeof c.provider === 'string' && typeof c.model === 'string' && typeof c.expires === 'string' && Array.isArray(c.turns) && c.turns.length > 0 && c.turns.every(isTurn);
	if (!shaped) {
		throw itemError(ctx, itemIndex, '"Conversation" is not a Nano Banana conversation', 'It must be the JSON field conversation a Nano Banana node put out (Keep Conversation for Follow-Up Edits), passed on unchanged.');
	}
	return value as Conversation;
}
