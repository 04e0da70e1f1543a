/**
 * A trivial client of MLflow's REST API for the server benchmarks: bodies encoded before the clock starts, one
 * keep-alive connection per request in flight, no parsing beyond what is needed. What it measures is the server's own
 * cost, the floor under any client (tracklab or MLflow's), and the raw transfer of what a report reads.
 */
import http from 'node:http';

type Json = Record<string, unknown>;

export class RawClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(private readonly base: string) {}

  /** One request; the body comes back unparsed (the caller parses only what it needs). */
  send(method: 'GET' | 'POST', path: string, body?: Buffer): Promise<Buffer> {
    const headers: Record<string, string | number> = body
      ? { 'content-type': 'application/json', 'content-length': body.length }
      : {};
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.base}${path}`, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const all = Buffer.concat(chunks);
          if ((res.statusCode ?? 500) >= 400) reject(new Error(`${path}: HTTP ${res.statusCode} ${all.toString()}`));
          else resolve(all);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async post<T>(path: string, body: Json): Promise<T> {
    return JSON.parse(
      (await this.send('POST', `/api/2.0/mlflow/${path}`, Buffer.from(JSON.stringify(body)))).toString(),
    ) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `tasks` with `limit` at a time. */
async function inFlight(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) await (tasks[next++] as () => Promise<unknown>)();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/**
 * Milliseconds the server takes to store `points` points of one key in 1,000-point `log-batch` requests sent by the
 * trivial client, `limit` at a time (bodies encoded beforehand: the client costs nothing measurable).
 */
export async function logBatchFloor(url: string, points: number, limit: number): Promise<number> {
  const raw = new RawClient(url);
  try {
    const exp = await raw.post<{ experiment_id: string }>('experiments/create', { name: `raw-${Date.now()}-${limit}` });
    const created = await raw.post<{ run: { info: { run_id: string } } }>('runs/create', {
      experiment_id: exp.experiment_id,
      start_time: Date.now(),
    });
    const runId = created.run.info.run_id;
    const now = Date.now();
    const bodies: Buffer[] = [];
    for (let k = 0; k < points; k += 1000) {
      const metrics = Array.from({ length: Math.min(1000, points - k) }, (_, i) => ({
        key: 'loss',
        value: 1 / (k + i + 1),
        step: k + i,
        timestamp: now,
      }));
      bodies.push(Buffer.from(JSON.stringify({ run_id: runId, metrics })));
    }
    const t = performance.now();
    await inFlight(
      bodies.map((b) => () => raw.send('POST', '/api/2.0/mlflow/runs/log-batch', b)),
      limit,
    );
    await raw.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    return performance.now() - t;
  } finally {
    raw.close();
  }
}

/**
 * Milliseconds to download what a report of experiment `name` reads, with the trivial client: the runs (search,
 * all pages), every history of `keys` through get-history-bulk (100 runs per request, 4 in flight, as the report), and,
 * when `listings` is set, each run's artifact listing (4 in flight). Nothing is parsed beyond run ids and page tokens.
 */
export async function reportTransfer(url: string, name: string, keys: string[], listings: boolean): Promise<number> {
  const raw = new RawClient(url);
  try {
    const t = performance.now();
    const exp = await raw.send('GET', `/api/2.0/mlflow/experiments/get-by-name?experiment_name=${name}`);
    const experimentId = (JSON.parse(exp.toString()) as { experiment: { experiment_id: string } }).experiment
      .experiment_id;
    const runs: { id: string; artifacts: string }[] = [];
    let token: string | undefined;
    do {
      const page = await raw.post<{ runs?: { info: Json }[]; next_page_token?: string }>('runs/search', {
        experiment_ids: [experimentId],
        max_results: 50000,
        ...(token ? { page_token: token } : {}),
      });
      for (const r of page.runs ?? [])
        runs.push({ id: String(r.info['run_id']), artifacts: String(r.info['artifact_uri']) });
      token = page.next_page_token;
    } while (token);
    const tasks: (() => Promise<unknown>)[] = [];
    const ids = runs.map((r) => r.id).sort();
    for (const key of keys) {
      for (let i = 0; i < ids.length; i += 100) {
        const query = ids
          .slice(i, i + 100)
          .map((id) => `run_id=${id}`)
          .join('&');
        const path = `/ajax-api/2.0/mlflow/metrics/get-history-bulk?${query}&metric_key=${key}&max_results=25000`;
        tasks.push(() => raw.send('GET', path));
      }
    }
    if (listings) {
      for (const r of runs) {
        const root = r.artifacts.replace(/^mlflow-artifacts:\/*/, '');
        tasks.push(() => raw.send('GET', `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(root)}`));
      }
    }
    await inFlight(tasks, 4);
    return performance.now() - t;
  } finally {
    raw.close();
  }
}

/**
 * Milliseconds the trivial client takes to make `runs` ended runs with 5 params and 5 metrics in three requests each
 * (create with `tags`, one log-batch, update): the server's cost of that plan, with no client work. Without tags it is
 * MLflow's Python client's plan; with tracklab's source tags, tracklab's.
 */
export async function runsFloor(url: string, runs: number, tags: Record<string, string> = {}): Promise<number> {
  const raw = new RawClient(url);
  try {
    const exp = await raw.post<{ experiment_id: string }>('experiments/create', { name: `raw-runs-${Date.now()}` });
    const params = ['a', 'b', 'c', 'd', 'e'].map((key, i) => ({ key, value: String(i + 1) }));
    const t = performance.now();
    for (let r = 0; r < runs; r += 1) {
      const created = await raw.post<{ run: { info: { run_id: string } } }>('runs/create', {
        experiment_id: exp.experiment_id,
        start_time: Date.now(),
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      });
      const runId = created.run.info.run_id;
      const now = Date.now();
      const metrics = [1, 2, 3, 4, 5].map((i) => ({ key: `m${i}`, value: i, step: 0, timestamp: now }));
      await raw.post('runs/log-batch', { run_id: runId, params, metrics });
      await raw.post('runs/update', { run_id: runId, status: 'FINISHED', end_time: Date.now() });
    }
    return performance.now() - t;
  } finally {
    raw.close();
  }
}
