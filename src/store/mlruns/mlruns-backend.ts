/** MLflow's file store (an `mlruns` folder) as a Backend. */
import { badState } from '../../core/errors.js';
import type { Backend } from '../backend.js';

export { isMlrunsFolder } from './detect.js';

/** Opens (creating if needed) the MLflow file store in folder `root`. */
export async function openMlrunsBackend(root: string): Promise<Backend> {
  throw badState(`${root} is an MLflow folder; reading it arrives with the mlruns backend`);
}
