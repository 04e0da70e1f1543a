/** Every text the CLI itself shows a user (the layers below have their own catalogues), so tests can assert on them. */
const q = (s: string): string => JSON.stringify(s);

export const cliMessages = {
  notPositiveInteger: (flag: string, value: string) => `${flag} ${q(value)} is not a positive integer; give 1 or more`,
  notPositiveSeconds: (flag: string, value: string) => `${flag} ${q(value)} is not a positive number of seconds`,
  aliasVersionAndDelete: (alias: string) => `give either a VERSION or --delete for alias ${q(alias)}, not both`,
  aliasNeedsVersion: (alias: string) => `give the VERSION alias ${q(alias)} should point to, or --delete to remove it`,
  unexpected: (text: string) => `unexpected error: ${text}; please report it with the command you ran`,
  noRuns: () => 'no runs',
  noModels: () => 'no registered models',
} as const;
