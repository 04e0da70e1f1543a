/**
 * A small client of MLflow's REST API: JSON requests with auth from MLflow's environment variables, a timeout on every
 * request, and bounded retries with exponential backoff and jitter on connection errors, 429 and 5xx. Server errors
 * become TracklabErrors carrying MLflow's error code; credentials never appear in a message.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { TracklabError, type ErrorCode } from '../../core/errors.js';
import { storeMessages } from '../messages.js';
import { serverMessages } from './server-messages.js';

export interface RestOptions {
  /** per request, ms (TRACKLAB_HTTP_TIMEOUT_MS, default 30 s) */
  timeoutMs?: number;
  /** attempts after the first (TRACKLAB_HTTP_RETRIES, default 5) */
  retries?: number;
  /** first backoff, ms; doubles each retry, with full jitter (default 200) */
  backoffMs?: number;
}

/** Thrown when the server could not be reached (or kept failing) after the retries: the caller may spool. */
export class ServerUnavailableError extends TracklabError {
  constructor(
    readonly server: string,
    detail: string,
  ) {
    super('IO_ERROR', serverMessages.serverUnavailable(server, detail));
  }
}

const KNOWN_CODES = new Set<ErrorCode>([
  'INVALID_PARAMETER_VALUE',
  'RESOURCE_DOES_NOT_EXIST',
  'RESOURCE_ALREADY_EXISTS',
  'INVALID_STATE',
  'PERMISSION_DENIED',
]);

/** MLflow's error codes mapped to tracklab's; others by HTTP status. */
function errorCode(mlflowCode: string | undefined, status: number): ErrorCode {
  if (mlflowCode !== undefined && KNOWN_CODES.has(mlflowCode as ErrorCode)) return mlflowCode as ErrorCode;
  if (mlflowCode === 'BAD_REQUEST' || mlflowCode === 'INVALID_REQUEST') return 'INVALID_PARAMETER_VALUE';
  if (mlflowCode === 'ENDPOINT_NOT_FOUND' || status === 404) return 'RESOURCE_DOES_NOT_EXIST';
  if (status === 401 || status === 403) return 'PERMISSION_DENIED';
  if (status === 409) return 'RESOURCE_ALREADY_EXISTS';
  return status < 500 ? 'INVALID_PARAMETER_VALUE' : 'IO_ERROR';
}

export interface RawResponse {
  status: number;
  body: Buffer;
}

export interface RequestSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';
  path: string;
  /** an array repeats the parameter (`run_id=a&run_id=b`) */
  query?: Record<string, string | number | readonly string[] | undefined>;
  body?: unknown;
  /** raw bytes (artifact uploads) instead of JSON */
  data?: Buffer;
  /** false for creations: after a timeout or a 5xx the request may have been applied, so only unsent ones retry */
  idempotent?: boolean;
  /** overrides the client's retry count */
  retries?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** One MLflow server. `base` is the URL without credentials, e.g. `http://127.0.0.1:5000`. */
export class RestClient {
  readonly base: URL;
  private readonly agent: http.Agent;
  private readonly auth: string | undefined;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(uri: string, options: RestOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    const url = new URL(uri);
    this.auth = authHeader(url, env);
    url.username = '';
    url.password = '';
    url.pathname = url.pathname.replace(/\/+$/, '');
    this.base = url;
    const secure = url.protocol === 'https:';
    const insecure = /^(1|true|yes)$/i.test(env['MLFLOW_TRACKING_INSECURE_TLS'] ?? '');
    const ca = env['MLFLOW_TRACKING_SERVER_CERT_PATH'];
    this.agent = secure
      ? new https.Agent({ keepAlive: true, rejectUnauthorized: !insecure, ...(ca ? { ca: readFileSync(ca) } : {}) })
      : new http.Agent({ keepAlive: true });
    this.timeoutMs = options.timeoutMs ?? Number(env['TRACKLAB_HTTP_TIMEOUT_MS'] ?? 30_000);
    this.retries = options.retries ?? Number(env['TRACKLAB_HTTP_RETRIES'] ?? 5);
    this.backoffMs = options.backoffMs ?? 200;
  }

  /** The server as shown in messages: never with credentials. */
  get shown(): string {
    return this.base.href.replace(/\/$/, '');
  }

  /** A JSON call to `/api/2.0/mlflow/<path>`; returns the parsed body. */
  async call<T>(
    method: RequestSpec['method'],
    path: string,
    payload?: Record<string, unknown>,
    idempotent = true,
  ): Promise<T> {
    const spec: RequestSpec =
      method === 'GET'
        ? { method, path: `/api/2.0/mlflow/${path}`, query: payload as Record<string, string>, idempotent }
        : { method, path: `/api/2.0/mlflow/${path}`, body: payload ?? {}, idempotent };
    return parseJson<T>(await this.request(spec));
  }

  /** A GET of one of the server's `/ajax-api/2.0/mlflow/<path>` endpoints (the web UI's, e.g. bulk histories). */
  async ajax<T>(path: string, query: NonNullable<RequestSpec['query']>): Promise<T> {
    return parseJson<T>(await this.request({ method: 'GET', path: `/ajax-api/2.0/mlflow/${path}`, query }));
  }

  /** Sends with retries; a 4xx answer becomes a TracklabError with MLflow's code and message. */
  async request(spec: RequestSpec): Promise<RawResponse> {
    let lastProblem = '';
    for (let attempt = 0; attempt <= (spec.retries ?? this.retries); attempt += 1) {
      if (attempt > 0) await sleep(Math.random() * this.backoffMs * 2 ** (attempt - 1));
      let res: RawResponse;
      try {
        res = await this.once(spec);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
        lastProblem = code === 'ETIMEDOUT' ? `no answer within ${this.timeoutMs} ms` : code;
        const unsent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
        if (spec.idempotent === false && !unsent) break;
        continue;
      }
      if (res.status < 400) return res;
      if (res.status === 429 || res.status >= 500) {
        lastProblem = `HTTP ${res.status}`;
        if (spec.idempotent === false && res.status !== 429 && res.status !== 503) break;
        continue;
      }
      throw this.failure(spec, res);
    }
    throw new ServerUnavailableError(this.shown, `${spec.method} ${spec.path}: ${lastProblem}`);
  }

  private failure(spec: RequestSpec, res: RawResponse): TracklabError {
    let parsed: { error_code?: string; message?: string } = {};
    try {
      parsed = JSON.parse(res.body.toString('utf8')) as typeof parsed;
    } catch {
      /* an HTML error page */
    }
    const code = errorCode(parsed.error_code, res.status);
    if (res.status === 404 && parsed.error_code === undefined) {
      return new TracklabError(code, storeMessages.serverLacksEndpoint(this.shown, spec.path));
    }
    return new TracklabError(
      code,
      storeMessages.serverError(parsed.message ?? `HTTP ${res.status}`, parsed.error_code),
    );
  }

  private once(spec: RequestSpec): Promise<RawResponse> {
    const url = new URL(this.base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${spec.path}`;
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (Array.isArray(v)) for (const item of v) url.searchParams.append(k, String(item));
      else if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const body = spec.data ?? (spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body)));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.auth) headers['authorization'] = this.auth;
    if (body) {
      headers['content-type'] = spec.data ? 'application/octet-stream' : 'application/json';
      headers['content-length'] = String(body.length);
    }
    const lib = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        { method: spec.method, headers, agent: this.agent, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/**
 * The body as JSON. Endpoints that answer with Flask's own encoder (not protobuf's) write NaN and infinities as bare
 * words, which JSON.parse refuses: those become the strings protobuf's JSON uses.
 */
function parseJson<T>(res: RawResponse): T {
  if (res.body.length === 0) return {} as T;
  const text = res.body.toString('utf8');
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    const quoted = text.replace(/([:,[]\s*)(-?Infinity|NaN)(?=\s*[,}\]])/g, '$1"$2"');
    if (quoted === text) throw error;
    return JSON.parse(quoted) as T;
  }
}

function authHeader(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const token = env['MLFLOW_TRACKING_TOKEN'];
  if (token) return `Bearer ${token}`;
  const user = decodeURIComponent(url.username) || env['MLFLOW_TRACKING_USERNAME'];
  const password = decodeURIComponent(url.password) || env['MLFLOW_TRACKING_PASSWORD'];
  if (user && password) return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return undefined;
}
