# Reads one metric history with MLflow's own store, first read then warm: prints {count, firstMs, warmMs}.
# Usage: python mlflow_history.py <file|sqlite> <location> <run id> <key> [once]
# With `once` the process reads once and exits (the parent times the whole process, import included).
import json, sys, time
kind, location, run_id, key = sys.argv[1:5]
once = len(sys.argv) > 5 and sys.argv[5] == "once"
if kind == "file":
    from mlflow.store.tracking.file_store import FileStore
    store = FileStore(location)
else:
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    store = SqlAlchemyStore("sqlite:///" + location, "/tmp/mlflow-bench-artifacts")
t = time.perf_counter()
points = store.get_metric_history(run_id, key)
out = {"count": len(points), "firstMs": (time.perf_counter() - t) * 1000}
if not once:
    warm = []
    for _ in range(3):
        t = time.perf_counter()
        store.get_metric_history(run_id, key)
        warm.append((time.perf_counter() - t) * 1000)
    warm.sort()
    out["warmMs"] = warm[1]
print(json.dumps(out))
