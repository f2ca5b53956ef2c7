/**
 * Types of the REST v1 part of the simulator that the control API (`/__sim/rest/...`) answers.
 * Dependency-free, so the typed client can import them without pulling the server in.
 */

/** `valid` authenticates; `stale` answers 401 (as a revoked key); `forbidden` answers 403. */
export type RestAccountState = "valid" | "stale" | "forbidden";

export const REST_ACCOUNT_STATES: readonly RestAccountState[] = ["valid", "stale", "forbidden"];

/** `POST /__sim/rest/accounts` body. */
export interface RestAccountSpec {
  appId: string;
  key: string;
  state?: RestAccountState;
}

/** An account as the control API shows it (never the key). */
export interface RestAccountInfo {
  appId: string;
  state: RestAccountState;
  /** The `account_id` the API answers for this App ID. */
  accountId: string;
}

/** One object row: ONTRAPORT answers field values as strings. */
export type RestRow = Record<string, string>;

/** One REST call as the simulator saw it (`GET /__sim/rest/requests`). */
export interface RestRequestRecord {
  seq: number;
  /** ISO 8601 UTC, simulator clock. */
  receivedAt: string;
  method: string;
  /** Path as requested, e.g. `/1/Contacts/saveorupdate`. */
  path: string;
  /** Query parameters (bracket names such as `a[0]` nested, as PHP reads them). */
  query: Record<string, unknown>;
  /** The decoded body (JSON or form); `null` without one; the raw text when it could not be decoded. */
  body: unknown;
  /** HTTP status answered; 0 when a fault dropped the connection. */
  status: number;
  /** The JSON answered (or the raw text of a `malformed` fault; `null` when dropped). */
  response: unknown;
  /** First 12 hex of sha256(Api-Appid); `null` without the header. The key is never kept. */
  appIdFingerprint: string | null;
}

export interface RestRequestFilter {
  /** Exact path (`/1/Contacts/saveorupdate`; `/Contacts/saveorupdate` matches too), case-insensitive. */
  path?: string;
  /** Only calls made with this App ID. */
  appId?: string;
}

export interface RestObjectsFilter {
  /** A `condition` exactly as the API takes it (JSON array, or the legacy SQL-like string). */
  condition?: string;
  /** Only this account's objects (default: every account's, account after account). */
  appId?: string;
}

/** `GET /__sim/rest/stats`. */
export interface RestStats {
  /** REST calls received, whatever their answer: `ok + failed + unauthorized + rateLimited + faulted`. */
  requests: number;
  /** Answered 2xx with `code: 0`. */
  ok: number;
  /** Answered 400/404/413/422 (bad parameter, unknown object or endpoint, body too large, bad email). */
  failed: number;
  /** Answered 401 or 403. */
  unauthorized: number;
  /** Answered 429. */
  rateLimited: number;
  /** Answered by an injected status/drop/malformed fault. */
  faulted: number;
  /** Transactions stored (processManual calls that succeeded), every account. */
  transactions: number;
  /**
   * Transactions whose `external_order_id` (non-empty) repeats one already logged in the same
   * account: the REST counterpart of `duplicateFacts` (ONTRAPORT does not refuse them).
   */
  duplicateTransactions: number;
}
