/** Every text the tracklab kernel's runtime shows a notebook user, in one place so tests can assert on them. */
const q = (s: string): string => JSON.stringify(s);

export const kernelMessages = {
  noActiveRun: (magic: string) =>
    `%${magic}: no active run; start one with %start_run or make the cell a run with %%track`,
  runActive: (id: string, name: string) =>
    `a run is already active (${name}, ${id}); end it with %end_run, or pass --nested to start a child run`,
  noRunToEnd: () => '%end_run: no active run to end',
  runNotFound: (ref: string) => `no run with id or name ${q(ref)} in the searched experiments`,
  compareNeedsTwo: () => '%compare: give at least two run ids or names',
  noRunForModel: () => '%register_model: no run to register from; pass --run <run id or name> or --best "<order by>"',
  pythonFailed: (cmd: string, out: string) => `${cmd} failed: ${out.trim()}`,
} as const;
