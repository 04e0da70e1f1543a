/** Every text the tracklab kernel's runtime shows a notebook user, in one place so tests can assert on them. */
const q = (s: string): string => JSON.stringify(s);
const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

export const kernelMessages = {
  noActiveRun: (magic: string) =>
    `%${magic}: no active run; start one with %start_run or make the cell a run with %%track`,
  runActive: (id: string, name: string) =>
    `a run is already active (${name}, ${id}); end it with %end_run, or pass --nested to start a child run`,
  noRunToEnd: () => '%end_run: no active run to end',
  runNotFound: (ref: string) => `no run with id or name ${q(ref)} in the searched experiments`,
  compareNeedsTwo: () => '%compare: give at least two run ids or names',
  noRunForModel: () => '%register_model: no run to register from; pass --run <run id or name> or --best "<order by>"',
  started: (run: { name: string; id: string; experimentName: string }, parent: { name: string } | undefined) =>
    `started run ${run.name} (${run.id.slice(0, 8)}) in experiment ${run.experimentName}` +
    `${parent ? `, child of ${parent.name}` : ''}`,
  endedQuietly: (run: { name: string; id: string }, status: string) =>
    `ended run ${run.name} (${run.id.slice(0, 8)}) ${status}`,
  nestedElsewhere: (asked: string, parent: string) =>
    `a nested run goes in its parent's experiment ${q(parent)}, not ${q(asked)}; drop --experiment or end the parent first`,
  notAnObject: (magic: string, value: unknown) =>
    `%${magic}: expected an object such as {loss, acc} or a config object, got ${describe(value)}`,
  orphansEnded: (names: readonly string[]) =>
    `ended ${names.length} run${names.length === 1 ? '' : 's'} left RUNNING by a kernel that died: ${names.join(', ')} (KILLED)`,
  ambiguousRef: (ref: string, matches: readonly string[]) =>
    `${q(ref)} matches ${matches.length} runs: ${matches.join(', ')}; give the run id (or a longer prefix of it)`,
  badKernelName: (name: string) => `kernel name ${q(name)} is invalid; use letters, digits, ".", "_" and "-"`,
  kernelExists: (name: string, script: string) =>
    `a kernelspec named ${q(name)} already runs ${script || 'another program'}; pass --name <another name> ` +
    'for this project, or --replace to point it here',
  setJupyterPath: (dir: string) => `Jupyter looks there only with JUPYTER_PATH set: export JUPYTER_PATH=${dir}`,
  pythonFailed: (cmd: string, out: string) => `${cmd} failed: ${out.trim()}`,
  kernelNotBuilt: (built: string) => `the compiled kernel ${built} is missing; run npm run build first`,
  noKernelspec: (name: string, dir: string) => `no ${name} kernelspec in ${dir}`,
  duplicateKeys: () => 'duplicate keys in one magic line',
} as const;
