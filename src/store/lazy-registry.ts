/**
 * A registry store that loads its backend on first use: listing runs never touches the registry, so the CLI need not
 * load the registry's modules to do it.
 */
import type { ModelRegistryStore } from './registry-store.js';

/**
 * Forwards every call to the store `load` resolves to, calling `load` once.
 * @example lazyRegistry(async () => new (await import('./json/json-registry.js')).JsonRegistry(root))
 */
export function lazyRegistry(load: () => Promise<ModelRegistryStore>): ModelRegistryStore {
  let loaded: Promise<ModelRegistryStore> | undefined;
  const store = (): Promise<ModelRegistryStore> => (loaded ??= load());
  return {
    createRegisteredModel: async (...a) => (await store()).createRegisteredModel(...a),
    updateRegisteredModel: async (...a) => (await store()).updateRegisteredModel(...a),
    deleteRegisteredModel: async (...a) => (await store()).deleteRegisteredModel(...a),
    getRegisteredModel: async (...a) => (await store()).getRegisteredModel(...a),
    listRegisteredModels: async () => (await store()).listRegisteredModels(),
    createModelVersion: async (...a) => (await store()).createModelVersion(...a),
    updateModelVersion: async (...a) => (await store()).updateModelVersion(...a),
    deleteModelVersion: async (...a) => (await store()).deleteModelVersion(...a),
    transitionStage: async (...a) => (await store()).transitionStage(...a),
    setAlias: async (...a) => (await store()).setAlias(...a),
    deleteAlias: async (...a) => (await store()).deleteAlias(...a),
  };
}
