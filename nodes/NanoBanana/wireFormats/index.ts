/** Every wire format the node speaks, by id: a new route adds its adapter here. */
import { chatCompletions } from './chatCompletions';
import { geminiGenerateContent } from './geminiGenerateContent';
import { openAiImages } from './openAiImages';
import type { WireFormat, WireFormatId } from './wireFormat';

export const WIRE_FORMATS: Record<WireFormatId, WireFormat> = {
	openAiImages,
	geminiGenerateContent,
	chatCompletions,
};
