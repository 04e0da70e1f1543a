/**
 * Autolog for TensorFlow.js: a `model.fit` callback that logs the fit's and the model's params once per run and every
 * epoch's logs (loss, metrics, val_*) as metrics. It needs no TensorFlow.js at import: it is the plain callback object
 * `model.fit` accepts, and reads the fit's params from the callback tfjs wraps it in (`this.params`; tfjs gives that
 * wrapper no model, hence the `model` option), so it works with `@tensorflow/tfjs` and `tfjs-node` alike.
 */
import type { ActiveRun } from '../active-run.js';
import { logStep, targetRun, type AutologOptions } from './target.js';

/** What tfjs-layers sets on the callback that wraps ours (base_callbacks.ts, BaseCallback). */
interface TfjsCallbackThis {
  params?: Record<string, unknown>;
}
/** The slice of a compiled tfjs LayersModel read for params. */
export interface TfjsModelLike {
  optimizer?: { getClassName?(): string; learningRate?: unknown };
  loss?: unknown;
  layers?: unknown[];
  countParams?(): number;
  name?: string;
}

/** The callback object `model.fit(x, y, { callbacks })` accepts (tfjs's CustomCallbackArgs). */
export interface TfjsCallback {
  onTrainBegin(logs?: Record<string, number>): Promise<void>;
  onEpochEnd(epoch: number, logs?: Record<string, number>): Promise<void>;
  onTrainEnd(logs?: Record<string, number>): Promise<void>;
}

export interface TfjsAutologOptions extends AutologOptions {
  /** The compiled model being fit: its optimizer, learning rate, loss and size are logged as params too. */
  model?: TfjsModelLike;
  /** Prefix of the metric keys, e.g. "tfjs/"; default none (`loss`, `acc`, `val_loss`, ...). */
  prefix?: string;
}

/**
 * A `model.fit` callback that logs to the notebook's active run (or `options.run`): params `epochs`, `batch_size`,
 * `samples` and, given `options.model`, `optimizer`, `learning_rate`, `loss`, `layers`, `trainable_params` (once per
 * run), and each epoch's logs as metrics at step = the epoch's number in this run (a second fit continues the steps).
 *
 * @example
 * import { tfjsCallback } from 'tracklab';
 * %start_run dense-64
 * await model.fit(xs, ys, { epochs: 20, batchSize: 32, callbacks: tfjsCallback({ model }) });
 * %end_run
 */
export function tfjsCallback(options: TfjsAutologOptions = {}): TfjsCallback {
  const prefix = options.prefix ?? '';
  let run: ActiveRun | undefined;
  return {
    async onTrainBegin(this: TfjsCallbackThis | void) {
      run = targetRun('tfjsCallback()', options);
      if (!paramsLogged.has(run)) {
        await run.logParams(fitParams((this || {}).params ?? {}, options.model ?? {}));
        await run.setTag('tracklab.autolog', 'tfjs');
        paramsLogged.add(run);
      }
    },
    onEpochEnd(_epoch, logs) {
      if (!run || !logs) return Promise.resolve();
      const step = epochsSeen.get(run) ?? 0;
      epochsSeen.set(run, step + 1);
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries(logs)) if (typeof v === 'number') metrics[prefix + k] = v;
      logStep(run, metrics, step);
      return Promise.resolve();
    },
    async onTrainEnd() {
      await run?.flush();
    },
  };
}

const paramsLogged = new WeakSet<ActiveRun>();
const epochsSeen = new WeakMap<ActiveRun, number>();

/** The params worth comparing runs by, from the fit's params and the compiled model; absent ones are left out. */
export function fitParams(p: Record<string, unknown>, m: TfjsModelLike): Record<string, string | number> {
  const lr = m.optimizer?.learningRate;
  const loss = typeof m.loss === 'string' || Array.isArray(m.loss) ? String(m.loss) : undefined;
  const out: Record<string, string | number | undefined> = {
    epochs: num(p.epochs),
    batch_size: num(p.batchSize),
    initial_epoch: num(p.initialEpoch) || undefined,
    samples: num(p.samples),
    optimizer: m.optimizer?.getClassName?.(),
    learning_rate: num(lr),
    loss,
    layers: m.layers?.length,
    trainable_params: m.countParams?.(),
  };
  return Object.fromEntries(Object.entries(out).filter((e): e is [string, string | number] => e[1] !== undefined));
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
