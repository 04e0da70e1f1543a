# Copies one run's metric history from an mlruns folder into a new MLflow sqlite store, written by MLflow itself.
# Usage: python mlflow_load_sqlite.py <mlruns> <run id> <key> <db>; prints the new run id.
import sys
from mlflow.entities import Metric
from mlflow.store.tracking.file_store import FileStore
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
mlruns, run_id, key, db = sys.argv[1:5]
points = FileStore(mlruns).get_metric_history(run_id, key)
store = SqlAlchemyStore("sqlite:///" + db, "/tmp/mlflow-bench-artifacts")
run = store.create_run("0", "bench", 1, [], "r")
for i in range(0, len(points), 1000):
    store.log_batch(run.info.run_id, [Metric(p.key, p.value, p.timestamp, p.step) for p in points[i:i + 1000]], [], [])
print(run.info.run_id)
