#!/usr/bin/env bash
# The main job on the embedded default store (./tracklab): a script logs a sweep, the example notebooks run headless
# through Jupyter and the tracklab kernel, an MLflow-made mlruns folder is reported as it is and imported, then the runs
# are listed and the report site is built into ./site.
set -euo pipefail
cd "$(dirname "$0")/.."
tracklab() { node dist/cli/main.js "$@"; }
npx tsx examples/quickstart.ts
mkdir -p tmp/executed
for nb in notebooks/*.ipynb; do
  tracklab exec "$nb" --out "tmp/executed/$(basename "$nb")"
done
tracklab report --store examples/mlflow-project/mlruns --out tmp/site-mlflow --title "an MLflow project"
tracklab import examples/mlflow-project/mlruns
tracklab runs list --max-results 20
tracklab models list
tracklab report --title "tracklab demo"
echo "open site/index.html to review the runs (tmp/site-mlflow/index.html: the MLflow folder as it is)"
