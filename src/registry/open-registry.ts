/** Finds the model registry that lives beside a tracking store. */
import { badState } from '../core/errors.js';
import { registryMessages as msg } from './messages.js';
import { JsonRegistry } from '../store/json/json-registry.js';
import { JsonStore } from '../store/json/json-store.js';
import type { ModelRegistryStore } from '../store/registry-store.js';
import type { TrackingStore } from '../store/tracking-store.js';

/** A backend may bring its own registry by having `openRegistry()`; the JSON store keeps one under `<root>/registry`. */
export function openRegistry(store: TrackingStore): ModelRegistryStore {
  const own = (store as TrackingStore & { openRegistry?: () => ModelRegistryStore }).openRegistry;
  if (typeof own === 'function') return own.call(store);
  if (store instanceof JsonStore) return new JsonRegistry(store.root);
  throw badState(msg.noRegistry(store.uri));
}
