/** Every text headless notebook execution shows a user, in one place so tests can assert on them. */
const q = (s: string): string => JSON.stringify(s);

export const execMessages = {
  paramsCellMissing: (file: string) =>
    `${file} has no cell tagged "parameters"; tag the cell that declares the parameters with let (View > Cell Toolbar > Tags)`,
  paramNotDeclared: (name: string, declared: readonly string[]) =>
    `parameter ${q(name)} is not declared in the parameters cell (it declares with let: ${declared.join(', ') || 'nothing'})`,
  paramIsConst: (name: string) =>
    `parameter ${q(name)} is declared with const in the parameters cell; declare it with let`,
  badParam: (text: string) => `parameter ${q(text)} must look like name=value`,
  badParamName: (name: string) => `parameter name ${q(name)} is not a valid identifier`,
  notebookUnreadable: (file: string, why: string) => `cannot read notebook ${file}: ${why}`,
  serverTimeout: (url: string, seconds: number) =>
    `Jupyter server at ${url} did not answer within ${seconds} s; is jupyter-notebook installed (apt-get install jupyter-notebook)?`,
  serverExited: (code: number | null, stderr: string) =>
    `the Jupyter server exited (code ${code ?? 'null'}) before it was ready: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
  cellFailed: (index: number, text: string) =>
    `cell ${index} failed: ${text.trim() || '(the kernel sent no error text)'}`,
  badTimeout: (text: string) => `--timeout must be a positive number of seconds, got ${q(text)}`,
  paramWrongType: (name: string, declared: string, value: unknown) =>
    `parameter ${q(name)} is declared as ${declared} in the parameters cell, got ${JSON.stringify(value)}` +
    ` (${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}); pass a ${declared}`,
  cellTimeout: (index: number, seconds: number) => `cell ${index} did not finish within ${seconds} s`,
  recordFailed: (why: string) => `the tracklab kernel could not record the execution: ${why}`,
} as const;
