/**
 * Secrets never reach a published file: values under secret-looking keys and secret-looking substrings anywhere
 * (GitHub and AWS tokens, `user:pass@` in URLs, private keys) become a visible placeholder. Pure; applied once, to the
 * collected data, before any view model is built, so pages and data files all see the same redacted values.
 */
import type { Run } from '../core/entities.js';

export const REDACTED = '[redacted]';

// Whole words of a key ("hf_token", "apiKey", "DB-Password"), so that "tokenizer", "author" and "max_tokens" are kept.
const SECRET_WORDS = new Set(['token', 'secret', 'password', 'passwd', 'passphrase', 'pwd', 'auth', 'apikey', 'credential', 'credentials', 'privatekey', 'accesskey']);

const VALUE_PATTERNS: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}\b/g,
  /\bhf_[A-Za-z0-9]{20,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
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

/** A key/value map with secret keys' values hidden and secret substrings removed from the rest. */
export function redactMap(map: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key, isSecretKey(key) ? REDACTED : redactText(value)]));
}

export function redactRun(run: Run): Run {
  return {
    ...run,
    name: redactText(run.name),
    user: redactText(run.user),
    params: redactMap(run.params),
    tags: redactMap(run.tags),
    inputs: run.inputs.map((d) => ({ ...d, source: redactText(d.source), name: redactText(d.name) })),
  };
}
