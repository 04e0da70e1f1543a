/**
 * MLflow's `MLproject` file: a project's name, its entry points with typed parameters and a command (or, for
 * tracklab, a notebook), and its environment (`node_env: package-lock.json`, a field MLflow ignores).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { invalid, notFound } from '../core/errors.js';
import { textOf } from '../core/format.js';
import { projectMessages as msg } from './messages.js';

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
      throw notFound(msg.noProjectFileAbove(PROJECT_FILE, resolve(from)));
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
    throw notFound(msg.noProjectFile(PROJECT_FILE, resolve(dir)));
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
    throw invalid(msg.notYaml(file, where, (error as Error).message.split('\n')[0] ?? ''));
  }
  const root = asObject(doc, file, 'the file');
  const name = root['name'] ?? '';
  if (typeof name !== 'string') throw invalid(msg.nameNotString(file, name));
  const nodeEnv = root['node_env'];
  if (nodeEnv !== undefined && (typeof nodeEnv !== 'string' || nodeEnv === '')) {
    throw invalid(msg.nodeEnvInvalid(file));
  }
  const entries = asObject(root['entry_points'] ?? {}, file, '"entry_points"');
  if (Object.keys(entries).length === 0) {
    throw invalid(msg.noEntryPoints(file));
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
    throw invalid(msg.commandOrNotebook(file, where));
  }
  for (const [key, value] of [
    ['command', command],
    ['notebook', notebook],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw invalid(msg.emptyField(file, where, key));
    }
  }
  const parameters: Record<string, ParameterSpec> = {};
  for (const [param, p] of Object.entries(asObject(body['parameters'] ?? {}, file, `${where} "parameters"`))) {
    if (!/^[A-Za-z_][\w.-]*$/.test(param)) {
      throw invalid(msg.parameterNameInvalid(file, where, param));
    }
    parameters[param] = parseParameterSpec(p, `${file}: ${where} parameter "${param}"`);
  }
  if (typeof command === 'string') {
    for (const m of command.matchAll(/\{([^{}\s]+)\}/g)) {
      if (!((m[1] as string) in parameters)) {
        throw invalid(msg.unknownPlaceholder(file, where, m[1] ?? ''));
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
    throw invalid(msg.parameterTypeInvalid(where, type, PARAMETER_TYPES));
  }
  const value = body['default'];
  if (value !== undefined && value !== null && typeof value === 'object') {
    throw invalid(msg.defaultNotSingle(where));
  }
  return { type: type as ParameterType, ...(value === undefined || value === null ? {} : { default: textOf(value) }) };
}

function asObject(value: unknown, file: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(msg.notAMapping(file, what));
  }
  return value as Record<string, unknown>;
}
