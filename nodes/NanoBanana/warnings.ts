/**
 * Warnings as data, made wherever a setting cannot be honoured or something worth knowing
 * happened, and turned into text only where the output items are made (`json.warnings`).
 * `unsupported-setting` names the setting (the node parameter's name) a route left out.
 */
export type Warning = { type: 'unsupported-setting'; setting: string; details: string } | { type: 'other'; message: string };

export const unsupported = (setting: string, details: string): Warning => ({ type: 'unsupported-setting', setting, details });

export const notice = (message: string): Warning => ({ type: 'other', message });

export function warningText(warning: Warning): string {
	return warning.type === 'unsupported-setting' ? warning.details : warning.message;
}

/** Whether a route already reported this setting as not sent. */
export function reported(warnings: readonly Warning[], setting: string): boolean {
	return warnings.some((w) => w.type === 'unsupported-setting' && w.setting === setting);
}
