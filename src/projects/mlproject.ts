/**
 * MLflow's `MLproject` file: a project's name, its entry points with typed parameters and a command (or, for
 * tracklab, a notebook), and its environment (`node_env: package-lock.json`, a field MLflow ignores).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { invalid, notFound } from '../core/errors.js';
import { textOf } from '../core/format.js';

export const PROJECT_FILE = 'MLproject';
export const PARAMETER_TYPES = ['float', 'int', 'string', 'path', 'uri'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

export interface ParameterSpec {
  type: ParameterType;
  /** as written in the file, converted to text; absent when the parameter is required */
  default?: string;
}

export interface EntryPoint {
  name: string;
  parameters: Record<string, ParameterSpec>;
  /** a shell command with `{param}` placeholders; exactly one of command and notebook */
  command?: string;
  /** a notebook path relative to the project folder, run through `tracklab exec` */
  notebook?: string;
}

export interface Project {
  name: string;
  /** the folder holding the MLproject file */
  dir: string;
  file: string;
  /** lockfile path relative to `dir` */
  nodeEnv?: string;
  entryPoints: Record<string, EntryPoint>;
}

/** The folder at or above `from` that holds an MLproject file. */
export function findProjectDir(from: string): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, PROJECT_FILE))) return dir;
    if (dirname(dir) === dir) {
      throw notFound(
        `no ${PROJECT_FILE} file in ${resolve(from)} or any folder above it; ` +
          'write one (see README, "Projects and reproduction")',
      );
    }
  }
}

/**
 * Reads and checks the MLproject file of `dir`.
 * @example const project = loadProject('.'); project.entryPoints.main?.command
 */
export function loadProject(dir: string): Project {
  const file = join(resolve(dir), PROJECT_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw notFound(`no ${PROJECT_FILE} file in ${resolve(dir)}; write one (see README, "Projects and reproduction")`);
  }
  return parseProject(text, file);
}

/** Parses MLproject text; `file` names it in errors. Pure. */
export function parseProject(text: string, file: string): Project {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw invalid(`${file} is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`);
  }
  const root = asObject(doc, file, 'the file');
  const name = root['name'] ?? '';
  if (typeof name !== 'string') throw invalid(`${file}: "name" must be a string, got ${JSON.stringify(name)}`);
  const nodeEnv = root['node_env'];
  if (nodeEnv !== undefined && (typeof nodeEnv !== 'string' || nodeEnv === '')) {
    throw invalid(`${file}: "node_env" must name the lockfile, e.g. "node_env: package-lock.json"`);
  }
  const entries = asObject(root['entry_points'] ?? {}, file, '"entry_points"');
  if (Object.keys(entries).length === 0) {
    throw invalid(`${file} has no entry_points; add one, e.g. "main: { command: ... }"`);
  }
  const entryPoints: Record<string, EntryPoint> = {};
  for (const [entry, spec] of Object.entries(entries)) entryPoints[entry] = parseEntryPoint(entry, spec, file);
  return { name, dir: dirname(file), file, ...(nodeEnv === undefined ? {} : { nodeEnv }), entryPoints };
}

function parseEntryPoint(name: string, spec: unknown, file: string): EntryPoint {
  const where = `entry point "${name}"`;
  const body = asObject(spec, file, where);
  const { command, notebook } = body;
  if ((command === undefined) === (notebook === undefined)) {
    throw invalid(`${file}: ${where} needs exactly one of "command" and "notebook"`);
  }
  for (const [key, value] of [
    ['command', command],
    ['notebook', notebook],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw invalid(`${file}: ${where} "${key}" must be a non-empty string`);
    }
  }
  const parameters: Record<string, ParameterSpec> = {};
  for (const [param, p] of Object.entries(asObject(body['parameters'] ?? {}, file, `${where} "parameters"`))) {
    if (!/^[A-Za-z_][\w.-]*$/.test(param)) {
      throw invalid(`${file}: ${where} parameter name "${param}" is invalid; use letters, digits, _ . -`);
    }
    parameters[param] = parseParameterSpec(p, `${file}: ${where} parameter "${param}"`);
  }
  if (typeof command === 'string') {
    for (const m of command.matchAll(/\{([^{}\s]+)\}/g)) {
      if (!((m[1] as string) in parameters)) {
        throw invalid(`${file}: ${where} command uses {${m[1]}}, which is not one of its parameters`);
      }
    }
  }
  return {
    name,
    parameters,
    ...(typeof command === 'string' ? { command } : {}),
    ...(typeof notebook === 'string' ? { notebook } : {}),
  };
}

function parseParameterSpec(spec: unknown, where: string): ParameterSpec {
  // MLflow allows the short form `name: type` as well as `name: {type: ..., default: ...}`
  const body = typeof spec === 'string' ? { type: spec } : spec === null ? {} : asObject(spec, where, 'it');
  const type = body['type'] ?? 'string';
  if (!PARAMETER_TYPES.includes(type as ParameterType)) {
    throw invalid(`${where} has type ${JSON.stringify(type)}; use one of ${PARAMETER_TYPES.join(', ')}`);
  }
  const value = body['default'];
  if (value !== undefined && value !== null && typeof value === 'object') {
    throw invalid(`${where} default must be a single value`);
  }
  return { type: type as ParameterType, ...(value === undefined || value === null ? {} : { default: textOf(value) }) };
}

function asObject(value: unknown, file: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${file}: ${what} must be a mapping of keys to values`);
  }
  return value as Record<string, unknown>;
}
