/** Every text building the report site shows a user, in one place so tests can assert on them. */
export const reportMessages = {
  noExperiment: (wanted: string) => `no active experiment named "${wanted}"; list them with \`tracklab experiments\``,
  noArtifact: (path: string, runId: string) => `no artifact ${path} in run ${runId}`,
  packageMissing: () =>
    'cannot find the tracklab package (templates/layout.hbs); reinstall tracklab or pass templatesDir',
  dependencyMissing: (request: string, root: string) => `cannot find ${request} from ${root}; reinstall tracklab`,
  secretsRemoved: (dir: string, count: number, list: string) =>
    `the report in ${dir} would have published ${count} file(s) holding secret patterns, now removed (${list}); remove the secrets from the store (or rename what carries them) and build again`,
  writeOutside: (rel: string) => `refusing to write outside the site: ${JSON.stringify(rel)}`,
  outNotOurs: (out: string) =>
    `${out} is not empty and was not written by tracklab report; choose an empty or new --out folder`,
} as const;
