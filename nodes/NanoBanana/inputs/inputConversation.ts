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

/** The input item's conversation, when it has one and Continue From Input Conversation is on. */
export function inputConversation(ctx: IExecuteFunctions, itemIndex: number, continueIt: boolean): Conversation | undefined {
	if (!continueIt) return undefined;
	const value = ctx.getInputData()[itemIndex]?.json?.conversation;
	if (value === undefined || value === null) return undefined;
	const c = value as IDataObject;
	const shaped = isObject(value) && typeof c.provider === 'string' && typeof c.model === 'string' && typeof c.expires === 'string' && Array.isArray(c.turns) && c.turns.length > 0 && c.turns.every(isTurn);
	if (!shaped) {
		throw itemError(ctx, itemIndex, 'The input item\'s "conversation" is not a Nano Banana conversation', 'It must be the JSON field conversation a Nano Banana node put out (Keep Conversation for Follow-Up Edits), passed on unchanged.');
	}
	return value as Conversation;
}
