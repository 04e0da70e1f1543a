/**
 * `tracklab doctor`: the JSON store's integrity check (in the spirit of `git fsck` and SQLite's integrity_check).
 * Every file is read the way tracklab reads it; each problem names its file (and line where there is one). Repairs
 * are offered only where they lose nothing that was complete: a torn last line, a stale lock, a dead writer's temp
 * file, the derived run cache, and an experiment list rebuilt from the runs' own records. Damage inside data is
 * reported and left for a person.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TracklabError } from '../../core/errors.js';
import { TEMP_FILE_RE } from './atomic-file.js';
import { readJsonDocument } from './json-document.js';
import { experimentsProblem } from './experiment-index.js';
import { readMetricLines, readMetricLog } from './metric-lines.js';
import type { MetricPoint } from '../../core/entities.js';
import { Segment, SEGMENT_FILE, SEGMENTS_SUPPORTED } from './metric-segment.js';
import { openSegment } from './metric-series.js';
import { processExists, STALE_MS } from './lock.js';
import { readRunLog, RUN_LOG } from './run-log.js';
import { RunCache, runCacheFiles } from './run-cache.js';
import { isExperimentsDoc, isStoreMeta } from './shapes.js';
import { isRegisteredModelRecord, MODEL_DOC, modelProblem } from './registry-shapes.js';
import type { Repair } from './doctor-repairs.js';
import { storeMessages } from '../messages.js';

/** One finding: the file, what is wrong, and the safe repair if there is one. */
export interface Finding {
  file: string;
  problem: string;
  repair?: Repair;
}

/** A torn tail is only cut when the file has not changed for this long (a write may be in flight). */
const SETTLED_MS = 60_000;

/** Checks every file of the store in `root`. */
export function checkStore(root: string): Finding[] {
  const findings: Finding[] = [];
  const check = (file: string, read: () => void): void => {
    try {
      read();
    } catch (error) {
      if (!(error instanceof TracklabError)) throw error;
      findings.push({ file, problem: error.message.replace(/^tracklab: /, '') });
    }
  };
  const meta = join(root, 'tracklab-store.json');
  check(meta, () => {
    if (!readJsonDocument(meta, isStoreMeta, 'a store description')) throw missing(meta);
  });
  const runIds = existsSync(join(root, 'runs')) ? readdirSync(join(root, 'runs')) : [];
  checkExperiments(root, runIds, check, findings);
  for (const id of runIds) checkRun(root, id, check, findings);
  const modelsDir = join(root, 'registry', 'models');
  for (const name of existsSync(modelsDir) ? readdirSync(modelsDir) : []) {
    if (name.startsWith('.') || !name.endsWith('.json')) continue;
    const file = join(modelsDir, name);
    check(file, () => readJsonDocument(file, isRegisteredModelRecord, MODEL_DOC, modelProblem));
  }
  for (const dir of [root, modelsDir]) if (existsSync(dir)) findLeftovers(dir, findings);
  checkCache(root, findings);
  return findings;
}

type Check = (file: string, read: () => void) => void;

const missing = (file: string): TracklabError => new TracklabError('CORRUPT_STORE', storeMessages.fileMissing(file));

function checkExperiments(root: string, runIds: string[], check: Check, findings: Finding[]): void {
  const file = join(root, 'experiments.json');
  if (!existsSync(file)) {
    if (runIds.length > 0) {
      findings.push({
        file,
        problem: 'is missing but the store has runs',
        repair: { kind: 'rebuild-experiments', file },
      });
    }
    return;
  }
  check(file, () => readJsonDocument(file, isExperimentsDoc, 'an experiment list', experimentsProblem));
}

function checkRun(root: string, id: string, check: Check, findings: Finding[]): void {
  const dir = join(root, 'runs', id);
  const log = join(dir, RUN_LOG);
  const series = join(dir, 'metrics.jsonl');
  check(log, () => {
    const folded = readRunLog(log);
    if (folded?.run && folded.run.id !== id) {
      throw new TracklabError('CORRUPT_STORE', storeMessages.runFolderMisnamed(log, folded.run.id, id));
    }
    const points = readMetricLog(series);
    const counts = new Map<string, number>();
    for (const p of points) counts.set(p.key, (counts.get(p.key) ?? 0) + 1);
    for (const [key, summary] of Object.entries(folded?.run?.metrics ?? {})) {
      if ((counts.get(key) ?? 0) < summary.count) {
        const have = counts.get(key) ?? 0;
        throw new TracklabError('CORRUPT_STORE', storeMessages.seriesShort(series, key, have, log, summary.count));
      }
    }
  });
  checkSegment(dir, findings);
  findLeftovers(dir, findings);
  for (const file of [log, series]) {
    const torn = tornTail(file);
    if (torn > 0)
      findings.push({
        file,
        problem: `ends in a torn line of ${torn} bytes (an interrupted write)`,
        repair: { kind: 'cut-torn-tail', file },
      });
  }
}

/**
 * A segment is derived from metrics.jsonl, and readers ignore one that fails a check; doctor names it so it can be
 * removed (`tracklab compact` writes it again).
 */
function checkSegment(dir: string, findings: Finding[]): void {
  const file = join(dir, SEGMENT_FILE);
  if (!existsSync(file) || !SEGMENTS_SUPPORTED) return;
  const problem = segmentProblem(dir);
  if (problem !== undefined)
    findings.push({
      file,
      problem: `${problem}; readers ignore it and use metrics.jsonl`,
      repair: { kind: 'remove', file },
    });
}

function segmentProblem(dir: string): string | undefined {
  const segment = Segment.open(join(dir, SEGMENT_FILE));
  if (segment === undefined) return 'is a metric segment with a damaged header (bad checksum)';
  try {
    const bad = segment.verify();
    if (bad !== undefined) return `is a metric segment whose ${bad.replace(/^the /, '')} (bad checksum)`;
  } finally {
    segment.close();
  }
  const matching = openSegment(dir);
  if (matching === undefined) return 'is a metric segment that does not match metrics.jsonl';
  try {
    const { points } = readMetricLines(join(dir, 'metrics.jsonl'), 0);
    const held = points.slice(
      0,
      matching.header.series.reduce((n, e) => n + e[1], 0),
    );
    return sameSeries(matching, held) ? undefined : 'is a metric segment whose points differ from metrics.jsonl';
  } finally {
    matching.close();
  }
}

/**
 * Whether the segment holds exactly `points` (the lines it covers), key by key in order; values compared bit for bit.
 */
function sameSeries(segment: Segment, points: MetricPoint[]): boolean {
  const next = new Map<string, number>();
  const columns = new Map<string, ReturnType<Segment['points']>>();
  for (const p of points) {
    let cols = columns.get(p.key);
    if (!columns.has(p.key)) {
      const entry = segment.entry(p.key);
      cols = entry && segment.points(entry);
      columns.set(p.key, cols);
    }
    const i = next.get(p.key) ?? 0;
    next.set(p.key, i + 1);
    if (!cols || i >= cols.step.length) return false;
    if (!Object.is(cols.value[i], p.value) || cols.step[i] !== p.step || cols.timestamp[i] !== p.timestamp)
      return false;
  }
  return true;
}

/** Bytes after the last newline of a file that has settled; 0 when none (or when it may still be being written). */
export function tornTail(file: string): number {
  let text: Buffer;
  try {
    if (Date.now() - statSync(file).mtimeMs < SETTLED_MS) return 0;
    text = readFileSync(file);
  } catch {
    return 0;
  }
  return text.length - (text.lastIndexOf(0x0a) + 1);
}

function findLeftovers(dir: string, findings: Finding[]): void {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    const pid = TEMP_FILE_RE.exec(name)?.[1];
    if (pid !== undefined && !processExists(Number(pid))) {
      findings.push({ file, problem: 'is a temp file left by a writer that died', repair: { kind: 'remove', file } });
    } else if (name.endsWith('.lock')) {
      const finding = staleLock(file);
      if (finding) findings.push(finding);
    }
  }
}

/** A lock not refreshed for the stale timeout: removable when its owner is known to be gone, else reported. */
function staleLock(file: string): Finding | undefined {
  let owner: { pid?: unknown; host?: unknown };
  try {
    if (Date.now() - statSync(file).mtimeMs <= STALE_MS) return undefined;
    owner = (JSON.parse(readFileSync(file, 'utf8')) ?? {}) as typeof owner;
  } catch {
    owner = {}; // a lock folder of an older tracklab, or an unreadable owner: judged by age alone
  }
  const { pid, host } = owner;
  if (typeof host === 'string' && host !== hostname()) {
    return {
      file,
      problem:
        `is a lock held by process ${String(pid)} on host ${host}, not refreshed for over ${STALE_MS / 1000} s; ` +
        `whether that process still runs cannot be checked from ${hostname()}: run \`tracklab doctor --repair\` on ` +
        `${host}, or remove the file if no tracklab process runs there`,
    };
  }
  if (typeof pid === 'number' && processExists(pid)) return undefined;
  return { file, problem: 'is a stale lock left by a process that is gone', repair: { kind: 'remove', file } };
}

function checkCache(root: string, findings: Finding[]): void {
  // only this version's base: a cache of another version's format is that version's to judge
  const file = runCacheFiles(root).base;
  if (!existsSync(file)) return;
  if (!RunCache.readable(file))
    findings.push({ file, problem: 'is an unreadable run cache (derived data)', repair: { kind: 'remove', file } });
}
