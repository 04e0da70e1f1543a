#!/usr/bin/env bash
# The main job on the embedded default store (./tracklab): a script logs a sweep, `tracklab run` records two runs of the
# repository's MLproject (a notebook and a script) and `tracklab reproduce` re-creates the script's run, the example
# notebooks run headless through Jupyter and the tracklab kernel, then the runs are listed and the report site is built.
set -euo pipefail
cd "$(dirname "$0")/.."
tracklab() { node dist/cli/main.js "$@"; }
npx tsx examples/quickstart.ts
tracklab run notebook -P nEstimators=15
tracklab run train -P trees=10 -P seed=7
if git rev-parse --git-dir >/dev/null 2>&1; then
  latest=$(tracklab runs list --experiment iris-examples --max-results 1 --json | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8"))[0].id')
  tracklab reproduce "$latest"
fi
mkdir -p tmp/executed
for nb in notebooks/*.ipynb; do
  tracklab exec "$nb" --out "tmp/executed/$(basename "$nb")"
done
tracklab runs list --max-results 20
tracklab models list
tracklab report --title "tracklab demo"
echo "open site/index.html to review the runs"
