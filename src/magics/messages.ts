/**
 * Every text the magic language shows a user (syntax and usage), in one place so tests can assert on them.
 * Each message says what was wrong, with the offending value, and what to do.
 */
const q = (s: string): string => JSON.stringify(s);
const didYouMean = (best: string | undefined): string => (best ? `; did you mean ${best}?` : '');

export const magicsMessages = {
  noCodeGenerator: (name: string) => `no code generator for %${name}`,
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
  badInt: (magic: string, flag: string, value: string) =>
    `%${magic}: --${flag} must be a positive integer, got ${q(value)}`,
  notExpr: (magic: string, what: string) =>
    `%${magic}: ${what} must be a word, a "quoted string" or a \`template\`, not an expression`,
  atLine: (line: number, text: string) => `line ${line}: ${text.replace(/^tracklab: /, '')}`,
} as const;
