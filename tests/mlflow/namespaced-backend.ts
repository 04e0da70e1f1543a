/**
 * The contract suites want a fresh, empty store per case; a tracking server takes seconds to start, so the suites share
 * one server and each location is a namespace on it: experiment and model names get the location's prefix on the way
 * in and lose it on the way out, and listings keep the namespace's own entries (plus the Default experiment). Every
 * call still goes to the server unchanged otherwise.
 */
import type { Experiment } from '../../src/core/entities.js';
import type { Backend } from '../../src/store/backend.js';
import type { ModelRegistryStore, RegisteredModelRecord } from '../../src/store/registry-store.js';
import type { TrackingStore } from '../../src/store/tracking-store.js';

export function namespaced(backend: Backend, ns: string): Backend {
  const add = (name: string): string => `${ns}${name}`;
  const strip = <T extends { name: string }>(x: T): T => ({
    ...x,
    name: x.name.startsWith(ns) ? x.name.slice(ns.length) : x.name,
  });
  const mine = (e: { name: string; id?: string }): boolean => e.name.startsWith(ns) || e.id === '0';
  const t = backend.tracking;
  const tracking: TrackingStore = Object.assign(Object.create(t) as TrackingStore, {
    createExperiment: async (name: string, tags?: Record<string, string>) =>
      strip(await t.createExperiment(add(name), tags)),
    ensureExperiment: async (name: string) => strip(await t.ensureExperiment(add(name))),
    getExperiment: async (id: string) => strip(await t.getExperiment(id)),
    getExperimentByName: async (name: string) => {
      const e = await t.getExperimentByName(add(name));
      return e && strip(e);
    },
    listExperiments: async (view?: Parameters<TrackingStore['listExperiments']>[0]) =>
      (await t.listExperiments(view)).filter(mine).map((e: Experiment) => strip(e)),
  });
  const r = backend.registry as ModelRegistryStore;
  const registry = new Proxy(r, {
    get(target, prop: keyof ModelRegistryStore) {
      if (prop === 'listRegisteredModels') {
        return async () =>
          (await target.listRegisteredModels()).filter(mine).map((m: RegisteredModelRecord) => strip(m));
      }
      const method = (target[prop] as (...args: unknown[]) => Promise<unknown>).bind(target);
      return async (name: string, ...rest: unknown[]) => {
        const out = await method(add(name), ...rest);
        return out !== null && typeof out === 'object' && 'name' in out && 'versions' in out
          ? strip(out as RegisteredModelRecord)
          : out;
      };
    },
  });
  return {
    ...backend,
    kind: backend.kind,
    uri: backend.uri,
    tracking,
    registry,
    artifacts: backend.artifacts,
    capabilities: backend.capabilities,
    close: () => backend.close(),
  };
}
