/** The wire formats there are (one adapter each, wireFormats/index.ts). */
export type WireFormatId = 'openAiImages' | 'geminiGenerateContent' | 'chatCompletions';
