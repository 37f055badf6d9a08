/**
 * Runs one node through n8n-core's real workflow engine, in-process, for jest.
 *
 * What is real here: `Workflow` (parameter defaults applied by its constructor),
 * `WorkflowExecute.processRunExecutionData` (issue check, execution stack, paired items,
 * `onError` handling, error capture into run data), `ExecuteContext` and all of its helpers
 * (`getBinaryDataBuffer`, `prepareBinaryData`, `httpRequestWithAuthentication`, ...),
 * `BinaryDataService` in `default` or `filesystem` mode, `ExecutionLifecycleHooks` and the DI
 * container. What is ours: the node-type registry, the credentials helper (modelled on n8n's
 * `CredentialsHelper`, without a database) and a pass-through "Input" node that hands the
 * input items to the node under test like an upstream node would.
 *
 * The workflow that runs is `Input -> <node under test>`: the Input node is put on the execution
 * stack with the items, returns them unchanged, and the engine then schedules the node under test
 * with `source` = Input, so input item i has `pairedItem: { item: i }`.
 *
 * Cancellation: `WorkflowExecute` owns an AbortController whose signal every `ExecuteContext`
 * gets (`this.getExecutionCancelSignal()`, `onExecutionCancellation`), and
 * `httpRequestWithAuthentication` passes it to axios. `processRunExecutionData` returns a
 * PCancelable; `opts.signal` aborting calls its `cancel()`, which aborts that controller, exactly
 * what n8n's "stop execution" does. The promise still resolves (n8n sets `shouldReject = false`)
 * once the node has returned or thrown; `status` is then reported as `'canceled'` (n8n-core
 * itself says `'error'` when the node threw because of the abort and `'canceled'` when it stopped
 * between nodes; `run.status` keeps that raw value).
 *
 * Engine behaviours worth knowing (they are n8n's, not the harness's):
 * - A node that *throws* while `onError: 'continueRegularOutput'` gets its input items passed on
 *   as output, but the run's status is still `'error'` when it is the last node.
 * - An empty required parameter makes `processRunExecutionData` throw `WorkflowHasIssuesError`
 *   before anything runs: reported as status `'error'` with that error (plus `issues`).
 * - `httpRequestWithAuthentication` re-sends after a 401; a `form-data` stream body is consumed
 *   by then and the retry never goes out (hangs until cancelled). A Buffer body
 *   (`form.getBuffer()` + `form.getHeaders()`) is re-sent intact.
 */
import './n8n-env';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	ExternalSecretsProxy,
	UnrecognizedCredentialTypeError,
	WorkflowExecute,
	getAdditionalKeys,
	prepareBinaryData,
} from 'n8n-core';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	ICredentialsHelper,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	UserError,
	Workflow,
	createRunExecutionData,
	isExpression,
} from 'n8n-workflow';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { rmSync } from 'node:fs';
import path from 'node:path';

import { n8nTestUserFolder } from './n8n-env';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export interface InputBinary {
	data: Buffer;
	mimeType: string;
	fileName?: string;
}

export interface InputItem {
	json?: IDataObject;
	binary?: Record<string, InputBinary>;
}

export interface OutputBinary {
	bytes: Buffer;
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileSize?: string;
	id?: string;
	/** The binary's `data` field as n8n stored it: base64 in `default` mode, `filesystem-v2` in `filesystem` mode. */
	data?: string;
}

export interface OutputItem {
	json: IDataObject;
	binary: Record<string, OutputBinary>;
	pairedItem: INodeExecutionData['pairedItem'];
}

export interface RunOptions {
	/** An instance, e.g. `new NanoBanana()`. A versioned node type works too. */
	nodeType: INodeType | IVersionedNodeType;
	/** Default `'n8n-nodes-nano-banana.nanoBanana'`. */
	typeName?: string;
	/** Default: the highest version the description declares. */
	typeVersion?: number;
	/** Default: the description's `defaults.name`, else its `displayName`. */
	nodeName?: string;
	parameters: INodeParameters;
	/** By credential type name. */
	credentials?: Record<
		string,
		{ id?: string; name?: string; data: ICredentialDataDecryptedObject }
	>;
	/** Instances, so `authenticate` (function or generic), `extends` and defaults are resolved. */
	credentialTypes?: ICredentialType[];
	/** Default: one empty item. */
	items?: InputItem[];
	/** Sets the node setting `onError: 'continueRegularOutput'`. */
	continueOnFail?: boolean;
	/** n8n's binary data mode for this run. Default `'filesystem'`, as in n8n 2.x. */
	binaryMode?: 'default' | 'filesystem';
	/** Aborting it cancels the run the way n8n's "stop execution" does (`PCancelable.cancel()`). */
	signal?: AbortSignal;
}

export interface RunResult {
	/** The run's status (`'success' | 'error' | 'canceled' ...`). `'canceled'` whenever `signal` stopped the run. */
	status: string;
	/** Main output 0 of the node under test; binaries read back through `BinaryDataService`. */
	items: OutputItem[];
	/** The node's error: the very object the node threw when it came from its `execute`. */
	error?: Error & Record<string, unknown>;
	runData: IRunData;
	/** The full `IRun` returned by `processRunExecutionData`. */
	run?: IRun;
	/** Name the node under test ran with (the key into `runData`). */
	nodeName: string;
}

export const DEFAULT_TYPE_NAME = 'n8n-nodes-nano-banana.nanoBanana';

/** Binary data mode in effect right now (for tests that want to assert on it). */
export function currentBinaryMode(): string {
	return Container.get(BinaryDataConfig).mode;
}

/** Temp folder used as `N8N_USER_FOLDER` (binary data lives in `<it>/binary-data`). */
export const n8nUserFolder = n8nTestUserFolder;

/**
 * Runs `opts.nodeType` once through `WorkflowExecute.processRunExecutionData`.
 * Runs may overlap, except that a run wanting another binary data mode than the one in effect
 * (a process-wide setting) waits until the running ones are done.
 */
export async function runNode(opts: RunOptions): Promise<RunResult> {
	await acquireBinaryMode(opts.binaryMode ?? 'filesystem');
	try {
		return await runNodeNow(opts);
	} finally {
		releaseBinaryMode();
	}
}

/** For `afterAll`: stops what keeps jest alive and removes the temp user folder. */
export async function shutdownN8n(): Promise<void> {
	if (sshManagerMayExist) {
		Container.get(SSHClientsManager).onShutdown();
		sshManagerMayExist = false;
	}
	initialised = false;
	rmSync(n8nTestUserFolder, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Engine set-up
// ---------------------------------------------------------------------------------------------

let initialised = false;
let sshManagerMayExist = false;
let executionCounter = 0;
let activeBinaryMode: 'default' | 'filesystem' | undefined;

const WORKFLOW_ID = 'harnessWorkflow01';
const INPUT_NODE_NAME = 'Input';
const INPUT_NODE_TYPE = 'n8n-nodes-nano-banana-harness.input';

async function ensureBinaryMode(mode: 'default' | 'filesystem'): Promise<void> {
	if (initialised && activeBinaryMode === mode) return;
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.localStoragePath = path.join(n8nTestUserFolder, 'binary-data');
	// init() sets the service's mode from the config and (re)creates the filesystem manager,
	// which stays registered in `default` mode too, so files written earlier remain readable.
	await Container.get(BinaryDataService).init();
	activeBinaryMode = mode;
	initialised = true;
}

let modeGate: Promise<void> = Promise.resolve();
let activeRuns = 0;
const idleWaiters: Array<() => void> = [];

async function acquireBinaryMode(mode: 'default' | 'filesystem'): Promise<void> {
	const previous = modeGate;
	let release!: () => void;
	modeGate = new Promise<void>((resolve) => {
		release = resolve;
	});
	await previous;
	try {
		while (activeRuns > 0 && activeBinaryMode !== mode) {
			await new Promise<void>((resolve) => idleWaiters.push(resolve));
		}
		await ensureBinaryMode(mode);
		activeRuns++;
	} finally {
		release();
	}
}

function releaseBinaryMode(): void {
	activeRuns--;
	if (activeRuns === 0) for (const wake of idleWaiters.splice(0)) wake();
}

/** A pass-through node standing in for whatever upstream node produced the items. */
class HarnessInputNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Input',
		name: 'harnessInput',
		group: ['transform'],
		version: 1,
		description: 'Hands the harness items to the node under test',
		defaults: { name: INPUT_NODE_NAME },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

interface ErrorSink {
	errors: unknown[];
}

/** Wraps `execute` so the exact object the node throws is kept (n8n stores only a spread copy). */
function withErrorCapture(nodeType: INodeType, sink: ErrorSink): INodeType {
	return new Proxy(nodeType, {
		get(target, property, receiver) {
			const value: unknown = Reflect.get(target, property, receiver);
			if (property === 'execute' && typeof value === 'function') {
				return async function (this: unknown, ...args: unknown[]) {
					try {
						return await (value as (...a: unknown[]) => Promise<unknown>).apply(this, args);
					} catch (error) {
						sink.errors.push(error);
						throw error;
					}
				};
			}
			return value;
		},
	});
}

function isVersioned(nodeType: INodeType | IVersionedNodeType): nodeType is IVersionedNodeType {
	return 'nodeVersions' in nodeType && typeof (nodeType as IVersionedNodeType).getNodeType === 'function';
}

function highestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if (isVersioned(nodeType)) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	private readonly wrapped = new WeakMap<INodeType, INodeType>();

	constructor(private readonly sink: ErrorSink, private readonly captureFor: string) {}

	add(name: string, nodeType: INodeType | IVersionedNodeType) {
		this.types.set(name, nodeType);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const found = this.types.get(nodeType);
		if (!found) throw new UnexpectedError(`Unknown node type: ${nodeType}`);
		return found;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const found = this.getByName(nodeType);
		const concrete = isVersioned(found) ? found.getNodeType(version) : found;
		if (nodeType !== this.captureFor) return concrete;
		let proxy = this.wrapped.get(concrete);
		if (!proxy) {
			proxy = withErrorCapture(concrete, this.sink);
			this.wrapped.set(concrete, proxy);
		}
		return proxy;
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials
// ---------------------------------------------------------------------------------------------

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/**
 * `ICredentialsHelper` after n8n's own `CredentialsHelper` (packages/cli), minus the database:
 * - `authenticate` applies function-style `authenticate` and generic
 *   `{ type: 'generic', properties: { headers | qs | body | auth: {...} } }`, resolving keys and
 *   values as expressions against `$credentials`.
 * - `getDecrypted` returns the stored data with the credential type's defaults applied (as n8n
 *   does: `NodeHelpers.getNodeParameters`, which also drops fields the type does not declare)
 *   and expressions in it resolved. Without a known type the data is returned as given.
 * - `preAuthentication` calls the type's `preAuthentication` when its expirable hidden property is
 *   empty or the server said 401, and keeps the result for later calls.
 * Unknown credential types throw `UnrecognizedCredentialTypeError`, as n8n's `CredentialTypes` does.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map<string, ICredentialType>();

	private readonly stored = new Map<string, StoredCredential>();

	constructor(credentialTypes: ICredentialType[] = [], credentials: StoredCredential[] = []) {
		super();
		for (const type of credentialTypes) this.types.set(type.name, type);
		for (const credential of credentials) this.stored.set(credential.type, credential);
	}

	/** Current data of the credential of that type (after any preAuthentication update). */
	getStoredData(type: string): ICredentialDataDecryptedObject | undefined {
		return this.stored.get(type)?.data;
	}

	private getType(typeName: string): ICredentialType {
		const type = this.types.get(typeName);
		if (!type) throw new UnrecognizedCredentialTypeError(typeName);
		return type;
	}

	getParentTypes(name: string): string[] {
		const type = this.types.get(name);
		if (type?.extends === undefined) return [];
		const parents: string[] = [];
		for (const parent of type.extends) {
			parents.push(parent, ...this.getParentTypes(parent));
		}
		return parents;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions;
		const credentialType = this.getType(typeName);
		const { authenticate } = credentialType;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (typeof authenticate === 'object' && authenticate !== null) {
			if (requestOptions.headers === undefined) requestOptions.headers = {};
			if (authenticate.type === 'generic') {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
					for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
						const keyResolved = resolveValue(key, { $credentials: credentials }, workflow, node);
						const valueResolved = resolveValue(
							value as string,
							{ $credentials: credentials },
							workflow,
							node,
						);
						if (!target[outerKey]) target[outerKey] = {};
						target[outerKey][keyResolved] = valueResolved;
					}
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getType(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirableProperty.name] !== '' && !credentialsExpired) return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		if (output[expirableProperty.name] === undefined) return undefined;
		const nodeCredentials = node.credentials?.[credentialType.name];
		if (!nodeCredentials) return undefined;
		const storedData = this.stored.get(typeName)?.data ?? {};
		const fresh = output as ICredentialDataDecryptedObject;
		await this.updateCredentials(nodeCredentials, typeName, { ...storedData, ...fresh });
		return Object.assign(credentials, fresh);
	}

	private find(nodeCredentials: INodeCredentialsDetails, type: string): StoredCredential {
		if (!nodeCredentials.id) {
			throw new UserError(
				`Credential "${nodeCredentials.name}" of type "${type}" has no ID (harness: pass credentials by type name).`,
			);
		}
		const credential = this.stored.get(type);
		if (!credential || credential.id !== nodeCredentials.id) {
			// Same wording as n8n's CredentialNotFoundError.
			throw new UserError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		return credential;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credential = this.find(nodeCredentials, type);
		const credentials = new Credentials({ id: credential.id, name: credential.name }, type);
		credentials.setData(credential.data);
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const credential = this.find(nodeCredentials, type);
		const original = structuredClone(credential.data);
		if (raw === true || !this.types.has(type)) return original;

		let decrypted = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			original as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (original.oauthTokenData !== undefined) decrypted.oauthTokenData = original.oauthTokenData;

		if (expressionResolveValues) {
			const additionalKeys = getAdditionalKeys(additionalData, mode, null, { secretsEnabled: false });
			try {
				decrypted = expressionResolveValues.workflow.expression.getParameterValue(
					decrypted as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decrypted,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				if (e instanceof Error) e.message += ' [Error resolving credentials]';
				throw e;
			}
		}
		return decrypted;
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credential = this.find(nodeCredentials, type);
		credential.data = structuredClone(data);
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credential = this.find(nodeCredentials, type);
		credential.data = { ...credential.data, oauthTokenData: data.oauthTokenData };
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getType(type);
		if (credentialType.extends === undefined) {
			if (['oAuth1Api', 'oAuth2Api'].includes(type)) {
				return [
					...credentialType.properties,
					{
						displayName: 'oauthTokenData',
						name: 'oauthTokenData',
						type: 'json',
						required: false,
						default: {},
					},
				];
			}
			return credentialType.properties;
		}
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}

function resolveValue(
	parameterValue: string,
	additionalKeys: IWorkflowDataProxyAdditionalKeys,
	workflow: Workflow,
	node: INode,
): string {
	if (!isExpression(parameterValue)) return parameterValue;
	const returnValue = workflow.expression.getSimpleParameterValue(
		node,
		parameterValue,
		'internal',
		additionalKeys,
		undefined,
		'',
	);
	if (!returnValue) return '';
	return returnValue.toString();
}

// ---------------------------------------------------------------------------------------------
// One run
// ---------------------------------------------------------------------------------------------

function toError(stored: unknown): Error & Record<string, unknown> {
	if (stored instanceof Error) return stored as Error & Record<string, unknown>;
	const plain = (stored ?? {}) as Record<string, unknown>;
	const error = new Error(typeof plain.message === 'string' ? plain.message : 'Unknown error');
	Object.assign(error, plain);
	return error as Error & Record<string, unknown>;
}

async function runNodeNow(opts: RunOptions): Promise<RunResult> {

	const typeName = opts.typeName ?? DEFAULT_TYPE_NAME;
	const sink: ErrorSink = { errors: [] };
	const nodeTypes = new HarnessNodeTypes(sink, typeName);
	nodeTypes.add(typeName, opts.nodeType);
	nodeTypes.add(INPUT_NODE_TYPE, new HarnessInputNode());

	const typeVersion = opts.typeVersion ?? highestVersion(opts.nodeType);
	const description = nodeTypes.getByNameAndVersion(typeName, typeVersion).description;
	const nodeName = opts.nodeName ?? description.defaults?.name ?? description.displayName;

	const executionId = String(++executionCounter);

	// Credentials: by type name, as the node's `credentials` field and in the helper's store.
	const storedCredentials: StoredCredential[] = [];
	const nodeCredentials: INodeCredentials = {};
	for (const [type, given] of Object.entries(opts.credentials ?? {})) {
		const id = given.id ?? `cred-${type}`;
		const name = given.name ?? `${type} account`;
		storedCredentials.push({ id, name, type, data: structuredClone(given.data) });
		nodeCredentials[type] = { id, name };
	}
	const credentialsHelper = new HarnessCredentialsHelper(opts.credentialTypes, storedCredentials);

	const node: INode = {
		id: 'a8f3c2d1-0000-4000-8000-00000000beef',
		name: nodeName,
		type: typeName,
		typeVersion,
		position: [300, 0],
		parameters: structuredClone(opts.parameters),
		...(Object.keys(nodeCredentials).length ? { credentials: nodeCredentials } : {}),
		...(opts.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
	};
	const inputNode: INode = {
		id: 'a8f3c2d1-0000-4000-8000-00000000feed',
		name: INPUT_NODE_NAME === nodeName ? `${INPUT_NODE_NAME} (harness)` : INPUT_NODE_NAME,
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const connections = {
		[inputNode.name]: {
			main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]],
		},
	};

	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		nodes: [inputNode, node],
		connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1' },
	});

	// Input binaries are stored exactly like an upstream node stores them (prepareBinaryData ->
	// BinaryDataService.store): on disk with an `id` in filesystem mode, base64 in default mode.
	const givenItems = opts.items ?? [{}];
	const inputItems: INodeExecutionData[] = [];
	for (const item of givenItems) {
		const out: INodeExecutionData = { json: structuredClone(item.json ?? {}) };
		if (item.binary) {
			out.binary = {};
			for (const [key, binary] of Object.entries(item.binary)) {
				out.binary[key] = await prepareBinaryData(
					binary.data,
					executionId,
					WORKFLOW_ID,
					binary.fileName,
					binary.mimeType,
				);
			}
		}
		inputItems.push(out);
	}

	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [inputNode, node],
		connections,
		settings: { executionOrder: 'v1' },
	};
	const mode: WorkflowExecuteMode = 'manual';
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const additionalData: IWorkflowExecuteAdditionalData = {
		credentialsHelper,
		hooks,
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: async () => {
			throw new UnexpectedError('executeWorkflow is not available in the test harness');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new UnexpectedError('Task runners are not available in the test harness');
		},
	};

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: inputNode,
					data: { main: [inputItems] },
					source: null,
				},
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	sshManagerMayExist = true;

	let run: IRun | undefined;
	let canceledBySignal = false;
	let engineError: unknown;
	const { signal } = opts;
	try {
		const execution = workflowExecute.processRunExecutionData(workflow);
		const onAbort = () => {
			canceledBySignal = true;
			execution.cancel();
		};
		if (signal?.aborted) onAbort();
		else signal?.addEventListener('abort', onAbort, { once: true });
		try {
			run = await execution;
		} finally {
			signal?.removeEventListener('abort', onAbort);
		}
	} catch (error) {
		// e.g. WorkflowHasIssuesError (required parameter empty), thrown before the run starts.
		engineError = error;
		if (error instanceof Error) {
			const issues = workflowExecute.checkReadyForExecution(workflow, { startNode: inputNode.name });
			if (issues) Object.assign(error, { issues });
		}
	}

	const runData = run?.data.resultData.runData ?? {};
	const task = runData[nodeName]?.[0];

	let error: (Error & Record<string, unknown>) | undefined;
	const storedError = task?.error ?? run?.data.resultData.error ?? engineError;
	if (storedError !== undefined) {
		const storedMessage = (storedError as { message?: unknown }).message;
		const thrown = [...sink.errors]
			.reverse()
			.find((e) => e instanceof Error && e.message === storedMessage);
		error = toError(thrown ?? storedError);
	}

	const binaryDataService = Container.get(BinaryDataService);
	const items: OutputItem[] = [];
	for (const item of task?.data?.main?.[0] ?? []) {
		const binary: Record<string, OutputBinary> = {};
		for (const [key, value] of Object.entries(item.binary ?? {}) as Array<[string, IBinaryData]>) {
			binary[key] = {
				bytes: await binaryDataService.getAsBuffer(value),
				mimeType: value.mimeType,
				fileName: value.fileName,
				fileExtension: value.fileExtension,
				fileSize: value.fileSize,
				id: value.id,
				data: value.data,
			};
		}
		items.push({ json: item.json, binary, pairedItem: item.pairedItem });
	}

	let status = run?.status ?? 'error';
	if (canceledBySignal) status = 'canceled';

	return { status, items, error, runData, run, nodeName };
}
