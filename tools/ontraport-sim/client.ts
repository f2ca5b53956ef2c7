/**
 * Typed client for the simulator's control API (`/__sim/`). Uses the global fetch (Node 20), no
 * server code is imported, so tests of other parts of cartlink can use it against a simulator
 * running anywhere (in-process or `npm run sim`).
 *
 *   const sim = new SimClient("http://127.0.0.1:4010");
 *   await sim.reset();
 *   await sim.setKey("demo-key", "valid");
 *   await sim.faults({ count: 2, status: 500 });
 *   const sales = await sim.notifications({ reqType: "sale", orderId: "DEMO-10042" });
 */
import type {
  FaultSpec,
  KeyInfo,
  KeyState,
  LatencyInfo,
  LatencySpec,
  NotificationFilter,
  NotificationRecord,
  PendingFault,
  PixelFilter,
  PixelRecord,
  SimConfig,
  SimStats,
} from "./types";
import type {
  RestAccountInfo,
  RestAccountState,
  RestObjectsFilter,
  RestRequestFilter,
  RestRequestRecord,
  RestRow,
  RestStats,
} from "./rest/types";

export class SimClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "SimClientError";
  }
}

export class SimClient {
  /** Base URL without trailing slash. */
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** The notification endpoint (`<base>/`), as a sender is configured with. */
  get endpoint(): string {
    return `${this.baseUrl}/`;
  }

  /** Base URL of the REST API v1 subset (`<base>/1`). */
  get restUrl(): string {
    return `${this.baseUrl}/1`;
  }

  /** Forget everything received and every pending fault; `{ all: true }` also restores the start-up keys and rate limit. */
  async reset(opts: { all?: boolean } = {}): Promise<void> {
    await this.call("POST", "reset", opts.all ? { all: true } : {});
  }

  /** Add a key or change its state (`stale` answers 403 from then on). */
  setKey(key: string, state: KeyState = "valid"): Promise<KeyInfo> {
    return this.call<KeyInfo>("POST", "keys", { key, state });
  }

  keys(): Promise<KeyInfo[]> {
    return this.call<KeyInfo[]>("GET", "keys");
  }

  /** Queue a fault for the next `count` matching requests; answers every pending fault. */
  faults(fault: FaultSpec): Promise<PendingFault[]> {
    return this.call<PendingFault[]>("POST", "faults", fault);
  }

  pendingFaults(): Promise<PendingFault[]> {
    return this.call<PendingFault[]>("GET", "faults");
  }

  clearFaults(): Promise<PendingFault[]> {
    return this.call<PendingFault[]>("DELETE", "faults");
  }

  /**
   * Set the answer latency (`baseMs` ± `jitterMs`), globally or for one `key` (XML key or REST
   * App ID; it overrides the global one). `{ baseMs: 0, jitterMs: 0 }` clears; `{ hang: true, key }`
   * makes that key's requests never get an answer.
   */
  setLatency(spec: LatencySpec): Promise<LatencyInfo> {
    return this.call<LatencyInfo>("POST", "latency", spec);
  }

  latency(): Promise<LatencyInfo> {
    return this.call<LatencyInfo>("GET", "latency");
  }

  /** No latency at all, not even the start-up one. */
  clearLatency(): Promise<LatencyInfo> {
    return this.call<LatencyInfo>("DELETE", "latency");
  }

  /** Add a REST account (App ID + key) or change its state (`stale`: 401, `forbidden`: 403). */
  setRestAccount(appId: string, key: string, state: RestAccountState = "valid"): Promise<RestAccountInfo> {
    return this.call<RestAccountInfo>("POST", "rest/accounts", { appId, key, state });
  }

  restAccounts(): Promise<RestAccountInfo[]> {
    return this.call<RestAccountInfo[]>("GET", "rest/accounts");
  }

  /** REST counters, and transactions logged twice for one external_order_id. */
  restStats(): Promise<RestStats> {
    return this.call<RestStats>("GET", "rest/stats");
  }

  /** Recorded REST calls, oldest first. */
  restRequests(filter: RestRequestFilter = {}): Promise<RestRequestRecord[]> {
    return this.call<RestRequestRecord[]>("GET", `rest/requests${toQuery({ ...filter })}`);
  }

  /** Stored objects of one type (`condition` as the API takes it; a non-string is JSON-encoded). */
  async restObjects(objectID: number, filter: Omit<RestObjectsFilter, "condition"> & { condition?: unknown } = {}): Promise<RestRow[]> {
    const condition = filter.condition === undefined || typeof filter.condition === "string" ? filter.condition : JSON.stringify(filter.condition);
    const { data } = await this.call<{ data: RestRow[] }>("GET", `rest/objects/${objectID}${toQuery({ condition, appId: filter.appId })}`);
    return data;
  }

  /** Recorded notifications, oldest first. */
  notifications(filter: NotificationFilter = {}): Promise<NotificationRecord[]> {
    const { limit, accepted, ...rest } = filter;
    const query = toQuery({
      ...rest,
      accepted: accepted === undefined ? undefined : String(accepted),
      limit: limit === undefined ? undefined : String(limit),
    });
    return this.call<NotificationRecord[]>("GET", `notifications${query}`);
  }

  /** Recorded pixel hits, oldest first. */
  pixels(filter: PixelFilter = {}): Promise<PixelRecord[]> {
    return this.call<PixelRecord[]>("GET", `pixels${toQuery({ ...filter })}`);
  }

  stats(): Promise<SimStats> {
    return this.call<SimStats>("GET", "stats");
  }

  config(): Promise<SimConfig> {
    return this.call<SimConfig>("GET", "config");
  }

  /** Change the rate limit and/or its window at run time. */
  setConfig(config: Partial<SimConfig>): Promise<SimConfig> {
    return this.call<SimConfig>("POST", "config", config);
  }

  private async call<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { accept: "application/json", "content-type": "application/json" };
    }
    const res = await fetch(`${this.baseUrl}/__sim/${route}`, init);
    const text = await res.text();
    let value: unknown = null;
    if (text !== "") {
      try {
        value = JSON.parse(text);
      } catch {
        throw new SimClientError(res.status, `simulator answered non-JSON to ${method} /__sim/${route}: ${text.slice(0, 200)}`);
      }
    }
    if (!res.ok) {
      const message =
        typeof value === "object" && value !== null && "error" in value && typeof value.error === "string"
          ? value.error
          : `HTTP ${res.status}`;
      throw new SimClientError(res.status, `${method} /__sim/${route}: ${message}`);
    }
    return value as T;
  }
}

function toQuery(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return s === "" ? "" : `?${s}`;
}
