/**
 * MLflow's `MLmodel` file, written beside tracklab's manifest so MLflow's registry and UI see a model: flavors (a
 * `tracklab` flavor that names the manifest), signature, input example, run id, size and creation time.
 */
import { stringify } from 'yaml';
import { INPUT_EXAMPLE_FILE, MANIFEST_FILE, type ModelManifest } from './manifest.js';

export const MLMODEL_FILE = 'MLmodel';

/** The MLmodel YAML of a model described by `m`. */
export function mlmodelYaml(m: ModelManifest): string {
  const doc: Record<string, unknown> = {
    artifact_path: m.artifactPath,
    flavors: {
      tracklab: {
        flavor: m.flavor,
        manifest: MANIFEST_FILE,
        tracklab_version: m.tracklabVersion,
        ...m.flavors[m.flavor],
      },
    },
    model_size_bytes: m.sizeBytes,
    model_uuid: m.modelUuid,
    run_id: m.runId,
    // MLflow writes str(datetime.utcnow()): "YYYY-MM-DD HH:MM:SS.ffffff"
    utc_time_created: `${m.utcTimeCreated.replace('T', ' ').replace('Z', '')}000`,
  };
  if (m.signature) {
    // MLflow keeps each schema as a JSON string inside the YAML
    doc['signature'] = {
      inputs: JSON.stringify(m.signature.inputs),
      outputs: m.signature.outputs ? JSON.stringify(m.signature.outputs) : null,
      params: null,
    };
  }
  if (m.inputExample !== undefined)
    doc['saved_input_example_info'] = { artifact_path: INPUT_EXAMPLE_FILE, type: 'json_object' };
  return stringify(doc, { sortMapEntries: true, lineWidth: 0, nullStr: 'null' });
}
