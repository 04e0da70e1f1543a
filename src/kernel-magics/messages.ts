/**
 * Every text the magics and the notebook runner show to a user, in one place so tests can assert on them.
 * Each message says what was wrong, with the offending value, and what to do.
 */
const q = (s: string): string => JSON.stringify(s);
const didYouMean = (best: string | undefined): string => (best ? `; did you mean ${best}?` : '');

export const msg = {
  unknownMagic: (name: string, best: string | undefined) =>
    `unknown magic ${name}${didYouMean(best)} (%lsmagic lists them all)`,
  cellMagicNotFirst: (name: string) => `${name} must be the first line of the cell`,
  unknownFlag: (magic: string, flag: string, best: string | undefined) =>
    `%${magic}: unknown option ${flag}${didYouMean(best)}`,
  flagNeedsValue: (magic: string, flag: string) => `%${magic}: option --${flag} needs a value`,
  flagTwice: (magic: string, flag: string) => `%${magic}: option --${flag} is given twice`,
  badString: (token: string) => `string ${token} has an escape JSON does not know; use \\n, \\t, \\\\ or \\" only`,
  unbalanced: (text: string) => `unbalanced quote or bracket in ${q(text)}; close it on the same line`,
  expectedAssign: (magic: string, token: string) =>
    `%${magic}: expected <key>=<expr>, got ${q(token)} (write acc=(correct / total) or acc=correct/total, no spaces around =)`,
  missingValue: (magic: string, key: string) => `%${magic}: ${q(key)} has no value; write ${key}=<expr>`,
  badKey: (magic: string, key: string) =>
    `%${magic}: key ${q(key)} is invalid; use letters, digits, _ - . / : and spaces (quote keys with spaces)`,
  duplicateKey: (magic: string, key: string) => `%${magic}: key ${q(key)} is given twice`,
  nothingToLog: (magic: string) => `%${magic}: nothing to log; write %${magic} <key>=<expr> [...]`,
  tooMany: (magic: string, usage: string) => `%${magic}: too many arguments; usage: ${usage}`,
  tooFew: (magic: string, usage: string) => `%${magic}: missing argument; usage: ${usage}`,
  badStatus: (status: string) => `%end_run: status ${q(status)} is not one of FINISHED, FAILED, KILLED`,
  badInt: (magic: string, flag: string, value: string) => `%${magic}: --${flag} must be a positive integer, got ${q(value)}`,
  notExpr: (magic: string, what: string) =>
    `%${magic}: ${what} must be a word, a "quoted string" or a \`template\`, not an expression`,
  atLine: (line: number, text: string) => `line ${line}: ${text.replace(/^tracklab: /, '')}`,

  noActiveRun: (magic: string) =>
    `%${magic}: no active run; start one with %start_run or make the cell a run with %%track`,
  runActive: (id: string, name: string) =>
    `a run is already active (${name}, ${id}); end it with %end_run, or pass --nested to start a child run`,
  noRunToEnd: () => '%end_run: no active run to end',
  runNotFound: (ref: string) => `no run with id or name ${q(ref)} in the searched experiments`,
  runAmbiguous: (ref: string, n: number) => `${n} runs are named ${q(ref)}; use a run id`,
  compareNeedsTwo: () => '%compare: give at least two run ids or names',
  noRunForModel: () => '%register_model: no run to register from; pass --run <run id or name> or --best "<order by>"',

  paramsCellMissing: (file: string) =>
    `${file} has no cell tagged "parameters"; tag the cell that declares the parameters with let (View > Cell Toolbar > Tags)`,
  paramNotDeclared: (name: string, declared: readonly string[]) =>
    `parameter ${q(name)} is not declared in the parameters cell (it declares with let: ${declared.join(', ') || 'nothing'})`,
  paramIsConst: (name: string) => `parameter ${q(name)} is declared with const in the parameters cell; declare it with let`,
  badParam: (text: string) => `parameter ${q(text)} must look like name=value`,
  badParamName: (name: string) => `parameter name ${q(name)} is not a valid identifier`,
  notebookUnreadable: (file: string, why: string) => `cannot read notebook ${file}: ${why}`,
  serverTimeout: (url: string, seconds: number) =>
    `Jupyter server at ${url} did not answer within ${seconds} s; is jupyter-notebook installed (apt-get install jupyter-notebook)?`,
  serverExited: (code: number | null, stderr: string) =>
    `the Jupyter server exited (code ${code ?? 'null'}) before it was ready: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
  cellFailed: (index: number, text: string) => `cell ${index} failed: ${text.trim() || '(the kernel sent no error text)'}`,
  cellTimeout: (index: number, seconds: number) => `cell ${index} did not finish within ${seconds} s`,
  pythonFailed: (cmd: string, out: string) => `${cmd} failed: ${out.trim()}`,
} as const;
