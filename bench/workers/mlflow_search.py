# One cold search of an mlruns folder with MLflow's own FileStore: prints {count, importMs, searchMs, cpuMs, mainMs}.
import json, sys, time
t0 = time.perf_counter()
from mlflow.store.tracking.file_store import FileStore
from mlflow.entities import ViewType
t1 = time.perf_counter()
c1 = time.process_time()
m1 = time.thread_time()
store = FileStore(sys.argv[1])
ids = [e.experiment_id for e in store.search_experiments()]
runs = store.search_runs(ids, sys.argv[2] if len(sys.argv) > 2 else "metrics.acc > 0.5", ViewType.ACTIVE_ONLY, max_results=50000)
t2 = time.perf_counter()
c2 = time.process_time()
m2 = time.thread_time()
print(json.dumps({"count": len(runs), "importMs": (t1 - t0) * 1000, "searchMs": (t2 - t1) * 1000, "cpuMs": (c2 - c1) * 1000, "mainMs": (m2 - m1) * 1000}))
