/**
 * The node as an AI agent's tool (n8n's "Nano Banana Tool", made from `usableAsTool`). The workflow
 * author sets the provider, the credential, the model and the operation; the model fills in what
 * an image request needs, through `$fromAI` expressions whose descriptions are written for a model:
 * the prompt, the shape, and for Edit the links to the images. What the tool gives back is the
 * output items' JSON (n8n leaves the binary data out): per image its file name, size, width and
 * height, the link when the gateway gave one, and any warnings; never base64.
 */
import { ASPECT_RATIOS } from '../models/imageSizes';
import { modelsTaking } from '../models/modelLimits';

/** The ratios every served model with known ratios takes, and the long ones only some do (from the catalogue). */
const everyModel = modelsTaking((m) => m.ratios !== undefined).length;
const COMMON_RATIOS = ASPECT_RATIOS.filter((r) => modelsTaking((m) => m.ratios?.includes(r) === true).length === everyModel);
const LONG_RATIOS = ASPECT_RATIOS.filter((r) => !COMMON_RATIOS.includes(r));
const LONG_RATIO_NOTE = LONG_RATIOS.length > 0 ? ` ${LONG_RATIOS.join(', ')} only with ${modelsTaking((m) => m.ratios?.includes(LONG_RATIOS[0]) === true).join(' or ')}.` : '';

/** What the agent's model reads about the tool (n8n's Tool Description, which the author may change). */
export const TOOL_DESCRIPTION =
	"Makes an image with Google's Gemini image model (Nano Banana) from a written prompt, or edits images given as links. " +
	'One call makes the images the workflow is set up for. Returns, for each image, its file name, size in bytes, width, height ' +
	'and link when there is one; the image itself is kept in the workflow, not returned. ' +
	'Image links must point at the image files themselves; the workflow may allow only some hosts, and says so when a link is refused. ' +
	'When the result has a "conversation" object, pass it back unchanged to change that same picture again.';

const fromAi = (key: string, description: string, defaultValue?: string) =>
	`={{ $fromAI(${JSON.stringify(key)}, ${JSON.stringify(description)}, "string"${defaultValue === undefined ? '' : `, ${JSON.stringify(defaultValue)}`}) }}`;

/**
 * The `$fromAI` expressions for the parameters the agent's model fills in, with descriptions written
 * for a model. The example workflow and the README use them; a user can paste them into the tool's
 * fields (or click the field's "let the model define this" button and write such a description).
 *
 * They are not the tool's defaults on purpose: n8n 1.x and 2.8 build the tool that runs from the
 * node's own parameter defaults, while the editor shows a tool's replaced defaults and leaves
 * values equal to a default out of the saved workflow. A prompt shown as "$fromAI" in the editor
 * would run as an empty prompt there.
 */
export const TOOL_PARAMETERS = {
	prompt: (operation: 'generate' | 'edit') =>
		fromAi(
			'prompt',
			operation === 'edit'
				? 'What to change in the given images, said plainly as a picture to make: what stays, what changes, style, light, and any text to show in quotes.'
				: 'A full description of the picture to make: subject, setting, style, light, framing, and any text to show in quotes. Ask for an image plainly.',
		),
	aspectRatio: (operation: 'generate' | 'edit') =>
		fromAi(
			'aspectRatio',
			`Shape of the image: "auto" or one of ${COMMON_RATIOS.join(', ')} (width:height)${
				operation === 'edit' ? ', or "matchInput" for the shape of the first image' : ''
			}.${LONG_RATIO_NOTE}`,
			'auto',
		),
	imageUrls: fromAi('imageUrls', 'Links (http or https) to the images to edit, PNG, JPEG or WebP, comma-separated, in order: the first is the one to change.'),
	// A JSON object, empty when the model leaves it out: then the tool edits the linked images.
	conversation: `={{ $fromAI("conversation", ${JSON.stringify('To change again a picture this tool made: the "conversation" object of that result, passed back exactly as it came. Leave it out for a new picture (then give the image links).')}, "json", {}) }}`,
};

/**
 * An Edit tool that goes on from the conversation its last call returned (edits in rounds): the
 * model passes the conversation back; without one, the tool edits the linked images.
 */
export function conversationToolParameters(): Record<string, unknown> {
	return { ...toolParameters('edit'), continueConversation: true, conversation: TOOL_PARAMETERS.conversation };
}

/** The parameters of a Nano Banana Tool node that let the model fill in the request (for workflows). */
export function toolParameters(operation: 'generate' | 'edit'): Record<string, string> {
	return {
		prompt: TOOL_PARAMETERS.prompt(operation),
		aspectRatio: TOOL_PARAMETERS.aspectRatio(operation),
		...(operation === 'edit' ? { imageSource: 'url', imageUrls: TOOL_PARAMETERS.imageUrls } : {}),
	};
}
