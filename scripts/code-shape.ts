/**
 * The shape of the node's code, as the project's rules read it: the import graph of `nodes/` and
 * `credentials/` and its cycles (type-only imports count: they tie files together too), the
 * longest files and the longest functions. `npm run code:shape` prints it; test/scripts holds
 * the rules (no cycle, no code file over 250 lines, no function over 60 lines; data tables exempt).
 *
 *   npx tsx scripts/code-shape.ts [--json]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const SOURCES = ['nodes', 'credentials'];

/** Files that are data, not code (the rules on length do not apply to them): tables only. */
export const DATA_FILES = ['nodes/NanoBanana/models/catalogue.ts', 'nodes/NanoBanana/ui/description.ts', 'nodes/NanoBanana/ui/options.ts'];

export interface FunctionLength {
	file: string;
	name: string;
	lines: number;
}

export interface CodeShape {
	files: Array<{ file: string; lines: number }>;
	functions: FunctionLength[];
	cycles: string[][];
	imports: Record<string, string[]>;
}

function tsFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...tsFiles(path));
		else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
	}
	return out;
}

function resolveImport(from: string, spec: string): string | undefined {
	if (!spec.startsWith('.')) return undefined;
	const base = resolve(dirname(from), spec);
	for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
		try {
			if (statSync(candidate).isFile()) return candidate;
		} catch {
			// not this one
		}
	}
	return undefined;
}

function functionName(node: ts.Node): string {
	const named = node as { name?: ts.Node };
	if (named.name && ts.isIdentifier(named.name)) return named.name.text;
	const parent = node.parent;
	if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
	if (parent && ts.isPropertyAssignment(parent) && (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name))) return parent.name.text;
	return '(anonymous)';
}

function findCycles(graph: Record<string, string[]>): string[][] {
	const cycles: string[][] = [];
	const seen = new Set<string>();
	const state = new Map<string, 'open' | 'done'>();
	const stack: string[] = [];
	const visit = (file: string) => {
		state.set(file, 'open');
		stack.push(file);
		for (const next of graph[file] ?? []) {
			if (state.get(next) === 'open') {
				const cycle = stack.slice(stack.indexOf(next));
				const key = [...cycle].sort().join('|');
				if (!seen.has(key)) {
					seen.add(key);
					cycles.push(cycle);
				}
			} else if (!state.has(next)) visit(next);
		}
		stack.pop();
		state.set(file, 'done');
	};
	for (const file of Object.keys(graph).sort()) if (!state.has(file)) visit(file);
	return cycles;
}

export function codeShape(): CodeShape {
	const files = SOURCES.flatMap((dir) => tsFiles(join(ROOT, dir)));
	const imports: Record<string, string[]> = {};
	const lengths: CodeShape['files'] = [];
	const functions: FunctionLength[] = [];
	for (const path of files) {
		const file = relative(ROOT, path);
		const text = readFileSync(path, 'utf8');
		const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true);
		lengths.push({ file, lines: text.split('\n').length });
		imports[file] = [];
		const walk = (node: ts.Node) => {
			if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
				const target = resolveImport(path, node.moduleSpecifier.text);
				if (target) imports[file].push(relative(ROOT, target));
			}
			if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
				const body = (node as ts.FunctionLikeDeclaration).body;
				if (body) {
					const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
					const end = source.getLineAndCharacterOfPosition(body.getEnd()).line;
					functions.push({ file, name: functionName(node), lines: end - start + 1 });
				}
			}
			ts.forEachChild(node, walk);
		};
		walk(source);
	}
	lengths.sort((a, b) => b.lines - a.lines);
	functions.sort((a, b) => b.lines - a.lines);
	return { files: lengths, functions, cycles: findCycles(imports), imports };
}

if (require.main === module) {
	const shape = codeShape();
	if (process.argv.includes('--json')) {
		console.log(JSON.stringify({ files: shape.files.slice(0, 10), functions: shape.functions.slice(0, 10), cycles: shape.cycles }, null, 2));
	} else {
		console.log('Longest files:');
		for (const f of shape.files.slice(0, 8)) console.log(`  ${String(f.lines).padStart(4)}  ${f.file}${DATA_FILES.includes(f.file) ? '  (data)' : ''}`);
		console.log('Longest functions:');
		for (const f of shape.functions.slice(0, 8)) console.log(`  ${String(f.lines).padStart(4)}  ${f.name} (${f.file})`);
		console.log(`Import cycles: ${shape.cycles.length}`);
		for (const c of shape.cycles) console.log(`  ${[...c, c[0]].join(' -> ')}`);
	}
}
