/**
 * Validation of registry input (model names, versions, stages, aliases, descriptions, tags), done once before a
 * registry backend is called. Alias and stage rules are MLflow's; the model-name rule is tracklab's own, because
 * names become file names in the JSON backend.
 */
import { invalid } from '../core/errors.js';
import { ownEntries, tagValueToString, validateKey } from '../core/validation.js';
import { MODEL_STAGES, type ModelStage } from '../store/registry-store.js';
import { registryMessages as msg } from './messages.js';

/** Letters, digits, `_ - . ` and spaces, starting with a letter or digit, not ending in a dot or space, <= 255. */
const MODEL_NAME_RE = /^[A-Za-z0-9](?:[\w.\- ]{0,253}[\w-])?$/;
const ALIAS_RE = /^[\w-]+$/;
const RESERVED_ALIAS_RE = /^(latest|v\d+)$/i;
const JS_RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_ALIAS_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 5000;

/** @example validateModelName('iris-rf') // 'iris-rf' */
export function validateModelName(name: unknown): string {
  if (typeof name !== 'string' || !MODEL_NAME_RE.test(name)) {
    throw invalid(msg.modelNameInvalid(name));
  }
  return name;
}

/** Versions are integers from 1; digit strings such as "3" (from the CLI or MLflow's REST) are accepted. */
export function validateVersion(version: unknown): number {
  const n = typeof version === 'string' && /^\d{1,15}$/.test(version) ? Number(version) : version;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw invalid(msg.versionInvalid(version));
  }
  return n;
}

/** Stages are case-insensitive: "production" -> "Production". */
export function parseStage(stage: unknown): ModelStage {
  const found =
    typeof stage === 'string' ? MODEL_STAGES.find((s) => s.toLowerCase() === stage.toLowerCase()) : undefined;
  if (!found) throw invalid(msg.stageInvalid(stage));
  return found;
}

/** MLflow's alias rule: `^[\w-]+$`, at most 255 characters, not `latest` or `v<digits>` (they name versions). */
export function validateAlias(alias: unknown): string {
  if (typeof alias !== 'string' || alias === '') throw invalid(msg.aliasEmpty(alias));
  if (alias.length > MAX_ALIAS_LENGTH) throw invalid(msg.aliasTooLong(alias, MAX_ALIAS_LENGTH));
  if (!ALIAS_RE.test(alias)) throw invalid(msg.aliasCharacters(alias));
  if (RESERVED_ALIAS_RE.test(alias)) throw invalid(msg.aliasLooksLikeVersion(alias));
  if (JS_RESERVED.has(alias)) throw invalid(msg.aliasReservedByJs(alias));
  return alias;
}

export function validateDescription(what: string, description: unknown): string {
  if (typeof description !== 'string') throw invalid(msg.descriptionNotString(what, description));
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw invalid(msg.descriptionTooLong(what, description.length, MAX_DESCRIPTION_LENGTH));
  }
  return description;
}

/** Tags of models and versions follow the run-tag rules; values are stored as strings. */
export function cleanTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of ownEntries('tags', tags)) out[validateKey('tag', key)] = tagValueToString(key, value);
  return out;
}

export function validateComment(comment: unknown): string | null {
  if (comment === undefined || comment === null) return null;
  return validateDescription('comment', comment);
}
