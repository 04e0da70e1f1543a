/**
 * Secrets never reach a published file: values under secret-looking keys and secret-looking substrings anywhere
 * (GitHub and AWS tokens, `user:pass@` in URLs, private keys), in keys and names as well as values, become a visible
 * placeholder. Applied once, to the collected data, before any view model is built, so pages and data files all see
 * the same redacted values; `scanSite` then checks every file and file name of the built site as a last line.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Run } from '../core/entities.js';
import { TracklabError } from '../core/errors.js';
import { reportMessages as msg } from './messages.js';

export const REDACTED = '[redacted]';

// Whole words of a key ("hf_token", "apiKey", "DB-Password"), so that "tokenizer", "author" and "max_tokens" are kept.
const SECRET_WORDS = new Set([
  'token',
  'secret',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'auth',
  'apikey',
  'credential',
  'credentials',
  'privatekey',
  'accesskey',
]);

// A token may follow an underscore ("key_ghp_..."), so the start is "no letter or digit before", not \b.
const VALUE_PATTERNS: RegExp[] = [
  /(?<![A-Za-z0-9])gh[pousr]_[A-Za-z0-9]{20,}/g,
  /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{20,}/g,
  /(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}/g,
  /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/g,
  /(?<![A-Za-z0-9])sk-(?:proj-)?[A-Za-z0-9_-]{20,}/g,
  /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{20,}/g,
  /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  // AWS secret access keys: 40 base64 characters with upper and lower case and a digit (git hashes are lower-case hex)
  /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]{0,39}[A-Z])(?=[A-Za-z0-9/+=]{0,39}[a-z])(?=[A-Za-z0-9/+=]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
];
// scheme://user:password@host -> keep the user, hide the password.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi;

/** True when a param/tag key names a secret. */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string;
    if (SECRET_WORDS.has(w)) return true;
    const next = words[i + 1];
    if (next === 'key' && (w === 'api' || w === 'private' || w === 'access' || w === 'secret')) return true;
  }
  return false;
}

/** Replaces secret-looking substrings of free text. */
export function redactText(text: string): string {
  if (text.length < 8) return text;
  let out = text.replace(URL_PASSWORD, `$1${REDACTED}@`);
  for (const re of VALUE_PATTERNS) out = out.replace(re, REDACTED);
  return out;
}

/** A key/value map with secret keys' values hidden and secret substrings removed from the rest, keys included. */
export function redactMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map).map(([key, value]) => [redactText(key), isSecretKey(key) ? REDACTED : redactText(value)]),
  );
}

/** Any JSON value with the same rules applied at every depth: keys, strings, and values under secret-named keys. */
export function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      redactText(key),
      isSecretKey(key) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : redactDeep(v),
    ]),
  );
}

/** Names of the secret patterns found in `text` (empty when none). */
export function findSecrets(text: string): string[] {
  const found: string[] = [];
  if (new RegExp(URL_PASSWORD.source, 'i').test(text) && !text.includes(`:${REDACTED}@`))
    found.push('password in a URL');
  for (const re of VALUE_PATTERNS) {
    const match = new RegExp(re.source, re.flags.replace('g', '')).exec(text);
    if (match) found.push(`${match[0].slice(0, 4)}... (${re.source.slice(0, 24)})`);
  }
  return found;
}

/** Whether the bytes of a binary artifact may be published: not when a secret pattern appears in them. */
export function isPublishableBinary(bytes: Uint8Array): boolean {
  return findSecrets(Buffer.from(bytes).toString('latin1')).length === 0;
}

/** Every file and file name under `dir` (or only the files `only`, relative to it) still holding a secret pattern. */
export function scanSite(dir: string, only?: readonly string[]): { path: string; secrets: string[] }[] {
  const out: { path: string; secrets: string[] }[] = [];
  const entries = only
    ? only.map((rel) => ({ rel, isFile: true }))
    : readdirSync(dir, { withFileTypes: true, recursive: true }).map((e) => ({
        rel: relative(dir, join(e.parentPath, e.name)),
        isFile: e.isFile(),
      }));
  for (const { rel, isFile } of entries) {
    const inName = findSecrets(rel);
    const inBody = isFile ? findSecrets(readFileSync(join(dir, rel)).toString('latin1')) : [];
    if (inName.length + inBody.length > 0) out.push({ path: rel, secrets: [...inName, ...inBody] });
  }
  return out;
}

/**
 * The last line of the build: when a file or file name of the site in `dir` still holds a known secret pattern, those
 * files are removed and the build fails (INVALID_STATE), naming each one.
 */
export function assertNoSecrets(dir: string, only?: readonly string[]): void {
  const found = scanSite(dir, only);
  if (found.length === 0) return;
  for (const f of found) rmSync(join(dir, f.path), { recursive: true, force: true });
  const list = found
    .slice(0, 10)
    .map((f) => `${f.path}: ${f.secrets.join(', ')}`)
    .join('; ');
  throw new TracklabError('INVALID_STATE', msg.secretsRemoved(dir, found.length, list));
}

export function redactRun(run: Run): Run {
  return {
    ...run,
    name: redactText(run.name),
    user: redactText(run.user),
    params: redactMap(run.params),
    tags: redactMap(run.tags),
    inputs: run.inputs.map((d) => redactDeep(d) as typeof d),
  };
}
