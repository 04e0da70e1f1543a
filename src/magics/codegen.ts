import { badState, invalid } from '../core/errors.js';
import { magicsMessages as msg } from './messages.js';
import type { Assign, ParsedMagic } from './magic-parser.js';

/** The global the kernel puts its MagicRuntime on. (tslab breaks identifiers that start with `__`.) */
export const RUNTIME_GLOBAL = 'tracklab$';
const R = `(globalThis as any).${RUNTIME_GLOBAL}`;

const STATUSES = ['FINISHED', 'FAILED', 'KILLED'];

/**
 * One line of TypeScript for a parsed magic at cell line `line`. Logging magics become one synchronous statement
 * (so they work in loops, `if` blocks and plain functions); the others are awaited. Statements start with `void`
 * or `await` so a previous line without a semicolon cannot swallow them (ASI).
 *
 * @example
 * magicToCode(parseMagic('%log_metric acc=x'), 3) // 'void (globalThis as any).tracklab$.logMetric(3, "acc", (x));'
 */
export function magicToCode(m: ParsedMagic, line: number): string {
  const e = emitter(m, line);
  if (m.help) return e.sync('help', JSON.stringify(m.name));
  const code = loggingCode(m, e) ?? runCode(m, e) ?? viewCode(m, e);
  if (code === undefined) throw badState(msg.noCodeGenerator(m.name));
  return code;
}

/** The statement shapes a magic becomes, each a call of the runtime at the magic's line. */
interface Emitter {
  /** the first value of flag `name` */
  readonly f: (name: string) => string | undefined;
  readonly opt: (code: string | undefined) => string;
  readonly sync: (method: string, ...args: string[]) => string;
  readonly awaited: (method: string, ...args: string[]) => string;
  readonly entering: (method: string, ...args: string[]) => string;
}

function emitter(m: ParsedMagic, line: number): Emitter {
  const call = (method: string, ...args: string[]): string => `${R}.${method}(${[String(line), ...args].join(', ')})`;
  return {
    f: (name) => m.flags[name]?.[0],
    opt: (code) => code ?? 'undefined',
    sync: (method, ...args) => `void ${call(method, ...args)};`,
    // `void await`: the statement has no value, so a cell ending in a magic does not display the runtime's internals.
    awaited: (method, ...args) => `void await Promise.resolve(${call(method, ...args)});`,
    // Starting and ending a run also switches the run of the calling async context (see run-context.ts), so the
    // switch has to happen in the caller's continuation: after the await, in the generated statement itself.
    entering: (method, ...args) => `void ${R}.enter(await Promise.resolve(${call(method, ...args)}));`,
  };
}

/** The logging magics: one synchronous statement each. */
function loggingCode(m: ParsedMagic, { f, sync }: Emitter): string | undefined {
  const p0 = m.positional[0];
  const step = f('step');
  switch (m.name) {
    case 'log_metric': {
      const a = m.assigns[0];
      if (m.assigns.length === 1 && a) {
        return sync('logMetric', JSON.stringify(a.key), `(${a.expr})`, ...(step ? [`(${step})`] : []));
      }
      return sync('logMetrics', keys(m.assigns), values(m.assigns), step ? `(${step})` : 'undefined');
    }
    case 'log_metrics':
      return sync('logMetricsObject', `(${p0!})`, step ? `(${step})` : 'undefined');
    case 'log_params':
      return sync('logParamsObject', `(${p0!})`);
    case 'log_param':
      return sync('logParams', keys(m.assigns), values(m.assigns));
    case 'set_tag':
      return sync('setTags', keys(m.assigns), values(m.assigns));
    case 'lsmagic':
      return sync('lsmagic');
    default:
      return undefined;
  }
}

/** The magics that choose the experiment, start, end or write to a run. */
function runCode(m: ParsedMagic, { f, opt, awaited, entering }: Emitter): string | undefined {
  const [p0, p1] = m.positional;
  switch (m.name) {
    case 'experiment':
      return awaited('experiment', p0!);
    case 'start_run': {
      const tags = m.flagAssigns.tag ?? [];
      return entering(
        'startRun',
        opt(p0),
        String(Boolean(f('nested'))),
        keys(tags),
        values(tags),
        opt(f('experiment')),
      );
    }
    case 'track':
      return entering('beginTrack', opt(p0), opt(f('experiment')), String(Boolean(f('nested'))));
    case 'log_artifact':
      return awaited('logArtifact', p0!, opt(p1));
    case 'log_model':
      return awaited('logModel', `(${p0!})`, opt(f('path')), opt(f('flavor')));
    case 'end_run':
      return entering('endRun', JSON.stringify(endStatus(m)), String(Boolean(f('quiet'))));
    case 'register_model':
      return awaited(
        'registerModel',
        p0!,
        `{ run: ${opt(f('run'))}, path: ${opt(f('path'))}, alias: ${opt(f('alias'))}, ` +
          `stage: ${opt(f('stage'))}, best: ${opt(f('best'))}, experiment: ${opt(f('experiment'))} }`,
      );
    default:
      return undefined;
  }
}

/** The magics that show runs, the store or a report, and the headless-execution control. */
function viewCode(m: ParsedMagic, { f, opt, awaited }: Emitter): string | undefined {
  switch (m.name) {
    case 'runs':
      return awaited(
        'runs',
        list(m.flags.experiment),
        opt(f('filter')),
        list(m.flags['order-by']),
        opt(f('max-results')),
      );
    case 'compare':
      return awaited('compare', `[${m.positional.join(', ')}]`, list(m.flags.metric));
    case 'report':
      return awaited(
        'report',
        `{ out: ${opt(f('out'))}, experiment: ${opt(f('experiment'))}, title: ${opt(f('title'))} }`,
      );
    case 'store':
      return awaited('storeInfo');
    case 'tracklab_exec':
      return awaited('execControl', `(${m.positional[0]!})`);
    default:
      return undefined;
  }
}

const keys = (as: readonly Assign[]): string => `[${as.map((a) => JSON.stringify(a.key)).join(', ')}]`;
const values = (as: readonly Assign[]): string => `[${as.map((a) => `(${a.expr})`).join(', ')}]`;
const list = (codes: readonly string[] | undefined): string => (codes ? `[${codes.join(', ')}]` : 'undefined');

function endStatus(m: ParsedMagic): string {
  if (m.positional.length === 0) return 'FINISHED';
  const s = (m.literals['0'] ?? '').toUpperCase();
  if (!STATUSES.includes(s)) throw invalid(msg.badStatus(m.literals['0'] ?? m.positional[0]!));
  return s;
}
