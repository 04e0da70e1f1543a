"""Where the time of one 1,000-point log_batch goes in MLflow 2.12, measured in one process without HTTP.

Each step is what MLflow's own code does for one request: the Python client encoding the batch (entities to protobuf
to JSON, as RestStore.log_batch does), the server parsing it (json.loads, parse_dict into LogBatch, the entities, as
handlers._log_batch does) and each tracking store writing it (SqlAlchemyStore on SQLite, the FileStore of an mlruns
folder). Prints one JSON object of median milliseconds per 1,000-point request.
Usage: python.sh bench/workers/mlflow_log_batch_cost.py SCRATCH_DIR [REPS]
"""
import json
import os
import statistics
import sys
import time

from mlflow.entities import Metric
from mlflow.protos.service_pb2 import LogBatch
from mlflow.store.tracking.file_store import FileStore
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
from mlflow.utils.proto_json_utils import message_to_json, parse_dict

scratch = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 10
os.makedirs(scratch, exist_ok=True)
now = int(time.time() * 1000)


def batch(k):
    return [Metric("loss", 1 / (k + i + 1), now, k + i) for i in range(1000)]


def timed(fn):
    out = []
    for rep in range(reps):
        t = time.perf_counter()
        fn(rep)
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def encode(rep):
    return message_to_json(LogBatch(run_id="r" * 32, metrics=[m.to_proto() for m in batch(rep * 1000)]))


body = encode(0)


def parse(rep):
    message = LogBatch()
    parse_dict(json.loads(body), message)
    return [Metric.from_proto(m) for m in message.metrics]


sql = SqlAlchemyStore(f"sqlite:///{scratch}/mlflow.db", f"{scratch}/sql-artifacts")
sql_run = sql.create_run(sql.create_experiment("cost"), "bench", now, [], "cost").info.run_id
files = FileStore(f"{scratch}/mlruns", f"{scratch}/file-artifacts")
file_run = files.create_run(files.create_experiment("cost"), "bench", now, [], "cost").info.run_id

print(
    json.dumps(
        {
            "client_encode_ms": timed(encode),
            "server_parse_ms": timed(parse),
            "sqlite_store_ms": timed(lambda rep: sql.log_batch(sql_run, batch(rep * 1000), [], [])),
            "file_store_ms": timed(lambda rep: files.log_batch(file_run, batch(rep * 1000), [], [])),
            "entities_ms": timed(lambda rep: batch(rep * 1000)),
        }
    )
)
