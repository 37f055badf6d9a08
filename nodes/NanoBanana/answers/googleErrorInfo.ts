/**
 * Google's structured error details (`error.details[]` of type `google.rpc.ErrorInfo`): the reason
 * a Google API refused a call, turned into what the user should do. Both Google routes answer this
 * way; an answer without such details gets the status's general hint instead.
 */
interface ErrorInfo {
	reason?: unknown;
	metadata?: Record<string, unknown>;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

const HINTS: Record<string, (info: ErrorInfo) => string> = {
	SERVICE_DISABLED: (i) =>
		`Enable the ${text(i.metadata?.service) || 'Vertex AI'} API for ${text(i.metadata?.consumer) || 'the project'}${text(i.metadata?.activationUrl) ? `: ${text(i.metadata?.activationUrl)}` : ''}. It takes a few minutes to apply; then run again.`,
	IAM_PERMISSION_DENIED: (i) =>
		`The service account lacks ${text(i.metadata?.permission) || 'the permission'} on this project: grant it the Vertex AI User role (roles/aiplatform.user) in IAM, and check "Project ID" and "Location" in the credential.`,
	BILLING_DISABLED: () => 'Billing is disabled for this Google Cloud project. Enable billing in the console (Billing > Link a billing account), then run again.',
	API_KEY_INVALID: () => 'Google did not accept the API key. Check the key in the credential.',
	ACCESS_TOKEN_EXPIRED: () => 'Google refused a fresh access token too. Check that the service account still exists and is enabled, and that the machine\'s clock is right.',
	CREDENTIALS_MISSING: () => 'The request carried no credential. Check the credential\'s Authentication and its key.',
};

/** What to do about a Google error answer, from its ErrorInfo reason; undefined when it names none this node knows. */
export function googleErrorHint(raw: Buffer | string): string | undefined {
	let details: unknown;
	try {
		details = (JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8')) as { error?: { details?: unknown } }).error?.details;
	} catch {
		return undefined;
	}
	if (!Array.isArray(details)) return undefined;
	for (const detail of details as ErrorInfo[]) {
		const hint = HINTS[text(detail?.reason)];
		if (hint) return hint(detail);
	}
	return undefined;
}
