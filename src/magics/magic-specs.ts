/**
 * The magics' syntax, as data: the parser, `%lsmagic` and the docs read this table.
 * `text` arguments are a word, a "quoted string" or a `template` (evaluated in the cell's scope);
 * `expr` arguments are TypeScript expressions; `assign` arguments are `<key>=<expr>`.
 */
export type ArgKind = 'text' | 'expr' | 'assign' | 'bool' | 'int';

export interface FlagSpec {
  kind: ArgKind;
  repeat?: boolean;
}

export interface MagicSpec {
  name: string;
  /** A cell magic (`%%name`) must be a cell's first line. */
  cell?: boolean;
  /** Statements that only log (no I/O) run synchronously, so they work inside ordinary functions. */
  sync?: boolean;
  /** Internal magics the runner sends; not listed by %lsmagic. */
  hidden?: boolean;
  positional: { kind: 'text' | 'expr' | 'assign'; min: number; max: number };
  flags: Record<string, FlagSpec>;
  usage: string;
  help: string;
}

const many = Number.POSITIVE_INFINITY;
const text: FlagSpec = { kind: 'text' };

export const MAGICS: readonly MagicSpec[] = [
  {
    name: 'experiment',
    positional: { kind: 'text', min: 1, max: 1 },
    flags: {},
    usage: '%experiment <name>',
    help: 'set the active experiment, creating it if missing',
  },
  {
    name: 'start_run',
    positional: { kind: 'text', min: 0, max: 1 },
    flags: { nested: { kind: 'bool' }, tag: { kind: 'assign', repeat: true }, experiment: text },
    usage: '%start_run [<name>] [--nested] [--experiment <name>] [--tag <key>=<expr>]...',
    help: 'start a run (a child run with --nested); `activeRun()` from tracklab is its handle',
  },
  {
    name: 'log_param',
    sync: true,
    positional: { kind: 'assign', min: 1, max: many },
    flags: {},
    usage: '%log_param <key>=<expr> [...]',
    help: 'log parameters of the active run (immutable)',
  },
  {
    name: 'log_metric',
    sync: true,
    positional: { kind: 'assign', min: 1, max: many },
    flags: { step: { kind: 'expr' } },
    usage: '%log_metric <key>=<expr> [...] [--step <expr>]',
    help: 'log metric values of the active run; without --step each key counts its own steps 0, 1, 2, ...',
  },
  {
    name: 'log_params',
    sync: true,
    positional: { kind: 'expr', min: 1, max: 1 },
    flags: {},
    usage: '%log_params <object expr>',
    help: 'log every key of an object as a parameter, e.g. %log_params cfg',
  },
  {
    name: 'log_metrics',
    sync: true,
    positional: { kind: 'expr', min: 1, max: 1 },
    flags: { step: { kind: 'expr' } },
    usage: '%log_metrics <object expr> [--step <expr>]',
    help: 'log every key of an object as a metric, e.g. %log_metrics {loss, acc}',
  },
  {
    name: 'set_tag',
    sync: true,
    positional: { kind: 'assign', min: 1, max: many },
    flags: {},
    usage: '%set_tag <key>=<expr> [...]',
    help: 'set tags of the active run',
  },
  {
    name: 'log_artifact',
    positional: { kind: 'text', min: 1, max: 2 },
    flags: {},
    usage: '%log_artifact <path> [<artifact dir>]',
    help: "copy a local file or folder into the run's artifacts",
  },
  {
    name: 'log_model',
    positional: { kind: 'expr', min: 1, max: 1 },
    flags: { path: text, flavor: text },
    usage: '%log_model <expr> [--path <artifact path>] [--flavor <name>]',
    help: 'save a model as an artifact of the active run',
  },
  {
    name: 'end_run',
    positional: { kind: 'text', min: 0, max: 1 },
    flags: { quiet: { kind: 'bool' } },
    usage: '%end_run [FINISHED|FAILED|KILLED] [--quiet]',
    help: 'end the active run and show its summary (one line with --quiet)',
  },
  {
    name: 'track',
    cell: true,
    positional: { kind: 'text', min: 0, max: 1 },
    flags: { experiment: text, nested: { kind: 'bool' } },
    usage: '%%track [<name>] [--experiment <name>] [--nested]',
    help: 'first line of a cell: the cell is one run, FAILED if it throws; its source is saved',
  },
  {
    name: 'runs',
    positional: { kind: 'text', min: 0, max: 0 },
    flags: {
      experiment: { kind: 'text', repeat: true },
      filter: text,
      'order-by': { kind: 'text', repeat: true },
      'max-results': { kind: 'int' },
    },
    usage: '%runs [--experiment <name>] [--filter "<expr>"] [--order-by "<expr>"] [--max-results N]',
    help: 'show a table of runs',
  },
  {
    name: 'compare',
    positional: { kind: 'text', min: 2, max: many },
    flags: { metric: { kind: 'text', repeat: true } },
    usage: '%compare <run id or name> <run id or name> [...] [--metric <key>]',
    help: 'chart metrics and diff params of runs',
  },
  {
    name: 'register_model',
    positional: { kind: 'text', min: 1, max: 1 },
    flags: { run: text, path: text, alias: text, stage: text, best: text, experiment: text },
    usage:
      '%register_model <name> [--run <run id or name> | --best "<order by>"] [--path <artifact path>] [--alias <alias>] [--stage <stage>]',
    help: "register a run's model in the model registry",
  },
  {
    name: 'report',
    positional: { kind: 'text', min: 0, max: 0 },
    flags: { out: text, experiment: text, title: text },
    usage: '%report [--experiment <name>] [--title <title>] [--out <dir>]',
    help: 'build the static report site (default site/ beside the store) and show it',
  },
  {
    name: 'store',
    positional: { kind: 'text', min: 0, max: 0 },
    flags: {},
    usage: '%store',
    help: 'show the store this kernel logs to and the active experiment and run',
  },
  {
    name: 'lsmagic',
    sync: true,
    positional: { kind: 'text', min: 0, max: 0 },
    flags: {},
    usage: '%lsmagic',
    help: 'list the magics',
  },
  {
    name: 'tracklab_exec',
    hidden: true,
    positional: { kind: 'expr', min: 1, max: 1 },
    flags: {},
    usage: '%tracklab_exec <json>',
    help: 'sent by tracklab exec',
  },
];

export const MAGIC_BY_NAME: ReadonlyMap<string, MagicSpec> = new Map(MAGICS.map((m) => [m.name, m]));
