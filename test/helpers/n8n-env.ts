/**
 * Side-effect module: points n8n's user folder at a fresh temp dir.
 *
 * n8n-core's `InstanceSettings` (through `@n8n/config`) reads `N8N_USER_FOLDER` when the DI
 * container first builds it, and then writes `<folder>/.n8n/config`. This module is imported
 * first by `./n8n` so that it runs before anything can touch the container. Each jest test file
 * gets its own module registry (and so its own container and its own temp dir).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const n8nTestUserFolder = mkdtempSync(path.join(tmpdir(), 'n8n-nodes-nano-banana-test-'));

process.env.N8N_USER_FOLDER = n8nTestUserFolder;
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS = 'false';
