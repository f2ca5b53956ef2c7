/**
 * What the REST part of the simulator remembers: accounts (App ID + key), each account's objects
 * (one table per objectID, ids counting from 1 per account and type) and the recorded calls.
 */
import { Ring, keyFingerprint } from "../state";
import type { Predicate } from "./condition";
import type { RestAccountInfo, RestAccountState, RestRequestFilter, RestRequestRecord, RestRow, RestStats } from "./types";

export type RestCounters = Omit<RestStats, "transactions" | "duplicateTransactions">;

function emptyCounters(): RestCounters {
  return { requests: 0, ok: 0, failed: 0, unauthorized: 0, rateLimited: 0, faulted: 0 };
}

/** Object type IDs (ONTRAPORT's SDK `ObjectType`). */
export const OBJECT = {
  contact: 0,
  note: 12,
  tag: 14,
  product: 16,
  purchase: 17,
  transaction: 46,
  tax: 63,
} as const;

/** The id field of an object type: `tag_id` for tags, `id` otherwise. */
export function idField(objectID: number): string {
  return objectID === OBJECT.tag ? "tag_id" : "id";
}

export class Table {
  readonly rows = new Map<string, RestRow>();
  private nextId = 1;

  constructor(readonly objectID: number) {}

  insert(fields: RestRow): RestRow {
    const id = String(this.nextId++);
    const row: RestRow = { [idField(this.objectID)]: id, ...fields };
    row[idField(this.objectID)] = id;
    this.rows.set(id, row);
    return row;
  }

  get(id: string | undefined): RestRow | undefined {
    return id === undefined ? undefined : this.rows.get(id.trim());
  }

  all(where?: Predicate): RestRow[] {
    const out: RestRow[] = [];
    for (const row of this.rows.values()) if (where === undefined || where(row)) out.push(row);
    return out;
  }
}

export class AccountData {
  private readonly tables = new Map<number, Table>();

  table(objectID: number): Table {
    let t = this.tables.get(objectID);
    if (t === undefined) {
      t = new Table(objectID);
      this.tables.set(objectID, t);
    }
    return t;
  }
}

export interface Account {
  appId: string;
  key: string;
  state: RestAccountState;
  accountId: string;
  data: AccountData;
}

export class RestStore {
  private readonly accounts = new Map<string, Account>();
  private readonly initial: { appId: string; key: string }[];
  private accountSeq = 0;
  readonly requests: Ring<RestRequestRecord>;
  private requestSeq = 0;
  counters: RestCounters = emptyCounters();

  constructor(initial: Iterable<{ appId: string; key: string }>, maxRequests: number) {
    this.initial = [...initial];
    this.requests = new Ring(maxRequests);
    for (const a of this.initial) this.setAccount(a.appId, a.key, "valid");
  }

  setAccount(appId: string, key: string, state: RestAccountState): RestAccountInfo {
    const existing = this.accounts.get(appId);
    if (existing !== undefined) {
      existing.key = key;
      existing.state = state;
      return this.info(existing);
    }
    const a: Account = { appId, key, state, accountId: String(100_000 + ++this.accountSeq), data: new AccountData() };
    this.accounts.set(appId, a);
    return this.info(a);
  }

  account(appId: string): Account | undefined {
    return this.accounts.get(appId);
  }

  listAccounts(): RestAccountInfo[] {
    return [...this.accounts.values()].map((a) => this.info(a));
  }

  private info(a: Account): RestAccountInfo {
    return { appId: a.appId, state: a.state, accountId: a.accountId };
  }

  nextRequestSeq(): number {
    return ++this.requestSeq;
  }

  record(rec: RestRequestRecord): void {
    this.requests.push(rec);
  }

  listRequests(filter: RestRequestFilter = {}): RestRequestRecord[] {
    const path = filter.path?.toLowerCase();
    const wantPath = path === undefined ? undefined : path.startsWith("/1/") ? path : `/1${path.startsWith("/") ? "" : "/"}${path}`;
    const fp = filter.appId === undefined ? undefined : keyFingerprint(filter.appId);
    return this.requests.toArray(
      (r) =>
        (wantPath === undefined || r.path.toLowerCase().replace(/\/+$/, "") === wantPath.replace(/\/+$/, "")) &&
        (fp === undefined || r.appIdFingerprint === fp),
    );
  }

  stats(): RestStats {
    let transactions = 0;
    let duplicateTransactions = 0;
    for (const a of this.accounts.values()) {
      const seen = new Set<string>();
      for (const row of a.data.table(OBJECT.transaction).rows.values()) {
        transactions++;
        const ext = row.external_order_id;
        if (ext === undefined || ext === "") continue;
        if (seen.has(ext)) duplicateTransactions++;
        else seen.add(ext);
      }
    }
    return { ...this.counters, transactions, duplicateTransactions };
  }

  /** Rows of one object type, of one account or of every account (account after account). */
  objects(objectID: number, where: Predicate, appId?: string): RestRow[] {
    const accounts = appId === undefined ? [...this.accounts.values()] : [this.accounts.get(appId)].filter((a) => a !== undefined);
    return accounts.flatMap((a) => a.data.table(objectID).all(where).map((r) => ({ ...r })));
  }

  /**
   * Forget every object and recorded call (accounts stay); with `accounts`, also restore the
   * accounts given at start-up.
   */
  reset(opts: { accounts?: boolean } = {}): void {
    this.requests.clear();
    this.requestSeq = 0;
    this.counters = emptyCounters();
    for (const a of this.accounts.values()) a.data = new AccountData();
    if (opts.accounts) {
      this.accounts.clear();
      this.accountSeq = 0;
      for (const a of this.initial) this.setAccount(a.appId, a.key, "valid");
    }
  }
}
