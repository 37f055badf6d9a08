/**
 * What one item's calls share, from opening the route to making the output items: the n8n
 * context, the item's settings, the batch's request gate, and once the route is open its
 * connection (route/connection.ts) and the wire format's own reading of a retry delay.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Connection } from './route/connection';
import type { ItemSettings } from './settings/itemSettings';
import type { RequestGate } from './transport/requestGate';

export interface CallScope {
	ctx: IExecuteFunctions;
	s: ItemSettings;
	gate: RequestGate;
	connection?: Connection;
	/** A retry delay the provider puts in a failed answer's body (Google's RetryInfo), when its wire format reads one. */
	retryDelayIn?: (body: Buffer) => number | undefined;
}
