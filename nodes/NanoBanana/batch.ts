/**
 * The node's execution: every input item through the pipeline (imageCall.ts), side by side under
 * one request gate, results in input order, "Continue On Fail" per item. Without it, the first
 * failing item's error stops the node, as a run one item at a time would, and no later item starts.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runImageCall } from './imageCall';
import type { ProviderId } from './route/providers';
import { PROVIDERS } from './route/providers';
import { readConcurrency, readSettings } from './settings/readSettings';
import { GateClosedError, RequestGate } from './transport/requestGate';

/** The route Auto learns per process: the node's provider and credential (its reference, not its fields). */
function routeKey(ctx: IExecuteFunctions): string | undefined {
	const provider = PROVIDERS[ctx.getNodeParameter('provider', 0) as ProviderId];
	const ref = provider ? ctx.getNode().credentials?.[provider.credentialType] : undefined;
	return provider && ref ? `${provider.credentialType}\u0000${ref.id ?? ref.name}` : undefined;
}

/** The item that stands for a failed one under "Continue On Fail". */
export function errorJson(error: unknown): IDataObject {
	const e = error as { message?: string; description?: string | null; httpCode?: string | null };
	const json: IDataObject = { error: e.message ?? String(error) };
	if (e.description) json.description = e.description;
	if (e.httpCode) json.httpCode = e.httpCode;
	return json;
}

export async function runBatch(ctx: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	// Auto's ceiling: every request the batch can have in flight (items times the images each asks for).
	const perItem = Number((ctx.getNodeParameter('options', 0, {}) as IDataObject).numberOfImages ?? 1) || 1;
	const gate = RequestGate.forBatch(readConcurrency(ctx), items.length * perItem, routeKey(ctx));
	const results: INodeExecutionData[][] = new Array(items.length);
	const failures: Array<{ itemIndex: number; error: unknown }> = [];

	const processItem = async (itemIndex: number) => {
		try {
			results[itemIndex] = await runImageCall({ ctx, s: readSettings(ctx, itemIndex), gate: gate.forItem(itemIndex) });
		} catch (error) {
			// Never sent: an earlier item's failure stops the node.
			if (error instanceof GateClosedError) return;
			if (ctx.continueOnFail()) {
				results[itemIndex] = [{ json: errorJson(error), pairedItem: { item: itemIndex } }];
			} else {
				failures.push({ itemIndex, error });
				// One item at a time, no later item would have been sent: none starts from now on.
				gate.stopFrom(itemIndex);
			}
		}
	};

	// Items run side by side; the gate alone caps the requests in flight. Twice as many workers
	// as slots: while some items decode and store their images, others are ready to take the
	// slots their requests have freed.
	let next = 0;
	const worker = async () => {
		while (failures.length === 0 && next < items.length) await processItem(next++);
	};
	await Promise.all(Array.from({ length: Math.min(2 * gate.limit, items.length) }, worker));
	gate.rememberLimit();

	if (failures.length > 0) {
		const { itemIndex, error } = failures.sort((a, b) => a.itemIndex - b.itemIndex)[0];
		if (error instanceof NodeOperationError || error instanceof NodeApiError) throw error;
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
	}
	return [results.flat()];
}
