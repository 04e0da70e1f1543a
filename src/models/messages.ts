/**
 * Every text the model package and its flavors show a user, in one place so tests can assert on them. Each names the
 * offending value and says what to do.
 */
const q = (value: unknown): string => JSON.stringify(value);
const RUNS_HINT = 'give runs:/<run id>/<path>, e.g. runs:/3f2a9c.../model';

export const modelMessages = {
  runsHint: () => RUNS_HINT,
  flavorNameInvalid: (name: unknown) =>
    `flavor name ${q(name)} is invalid: use lower-case letters, digits, "_", "-" and "." (e.g. "my-net")`,
  flavorFunctionsMissing: (name: string) =>
    `flavor "${name}" needs save(model, options) and load(files, config) functions`,
  flavorUnknown: (name: string, known: readonly string[]) =>
    `flavor "${name}" is not registered in this process (known: ${known.join(', ')}); call registerFlavor({ name: "${name}", save, load }) first`,
  jsonLoaderInvalid: (name: unknown) =>
    `registerJsonLoader needs a name and a function (data) => model, got ${q(name)}`,
  jsonFunctionProperty: (fn: string) =>
    `model property "${fn}" is a function, which JSON cannot store; register a loader that recreates it with registerJsonLoader("my-model", (data) => ({ ...data, ${fn}: ... })) and log with { loader: "my-model" }`,
  jsonUnserializable: (reason: string) =>
    `model cannot be saved by the json flavor: ${reason}; give JSON-serializable data or use another flavor`,
  jsonNothingToSave: () =>
    'model cannot be saved by the json flavor: it is not JSON-serializable (a function or undefined)',
  forestWrongModel: () =>
    'the ml-random-forest flavor saves RandomForestClassifier or RandomForestRegression models; use flavor "json" for plain data',
  forestUntrained: () => 'the random forest is not trained (toJSON() has no model name); train it before logging',
  forestWrongFile: (file: string, name: string) =>
    `model file ${file} holds "${name}", not an ml-random-forest model; log it again with the right flavor`,
  modelPathEmpty: () => 'model path "" is invalid: give a folder name such as "model"',
  modelPathTaken: (runId: string, path: string) =>
    `run ${runId} already has artifacts at "${path}"; log the model under another path, e.g. { path: "${path}-2" }`,
  reservedFile: (flavor: string, name: string) =>
    `flavor "${flavor}" may not write a file named ${q(name)}; it is reserved`,
  metadataUnserializable: (reason: string) => `model metadata is not JSON-serializable: ${reason}`,
  notALoggedModel: (uri: string, manifest: string, path: string) =>
    `${uri} is not a logged model (no ${manifest}); log one with run.logModel(model, { path: "${path}" })`,
  notATracklabLoggedModel: (uri: string, manifest: string) =>
    `${uri} is an MLflow logged model without ${manifest}: it was saved by MLflow's own client in an MLflow flavor ` +
    "(its MLmodel file names it), which tracklab does not load; load it with MLflow's client",
  manifestNotJson: (reason: string) => `is not valid JSON (${reason})`,
  manifestShape: () => 'does not hold a model manifest { flavor, flavors, runId, files, ... }',
  sourceNotRuns: (uri: unknown) =>
    `model source ${q(uri)} is refused: only artifacts of a run in this store can be registered; ${RUNS_HINT}`,
  sourceInvalid: (uri: unknown) => `model source ${q(uri)} is invalid: ${RUNS_HINT}`,
  noSignatureShape: (what: string) =>
    `${what} cannot give a signature: use an array of records ({ column: value }), a number matrix or an array of numbers`,
  raggedMatrix: (what: string) => `${what} is a matrix with rows of different lengths; give rows of equal length`,
  tensorType: (what: string, type: string) =>
    `${what} holds ${type} values, which a tensor cannot; use records instead`,
  mixedTypes: (what: string, types: readonly string[]) =>
    `${what} mixes or holds unsupported value types (${types.join(', ')}); give values of one type: number, boolean, string, Date or bytes`,
  signatureInvalid: () =>
    'signature is invalid: give { inputs: [{ name, type }], outputs?: [{ name, type }] }, or an inputExample to infer it from',
};
