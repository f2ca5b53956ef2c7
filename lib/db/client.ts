import fs from "node:fs";
import path from "node:path";
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from "drizzle-orm/pg-core";
import type { ExtractTablesWithRelations, SQL } from "drizzle-orm";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The database handle every query takes first. A transaction is also a `Db`. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Apply migrations before returning (default true). */
  migrate?: boolean;
  /** postgres.js pool size. */
  max?: number;
  /** Named prepared statements for the hot outbox statements (default true; see executeHot). */
  prepare?: boolean;
}

const MIGRATIONS = path.join(process.cwd(), "drizzle");

/** Open a database. Most code calls `getDb()` instead; tests and scripts open their own. */
export async function openDatabase(opts: OpenOptions = {}): Promise<Database> {
  const migrate = opts.migrate ?? true;
  if (opts.databaseUrl) {
    const { default: postgres } = await import("postgres");
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const client = postgres(opts.databaseUrl, { max: opts.max ?? 10, onnotice: () => {}, prepare: opts.prepare ?? true });
    const db = drizzle(client, { schema, casing: "snake_case" });
    if (migrate) {
      const { migrate: run } = await import("drizzle-orm/postgres-js/migrator");
      await run(db, { migrationsFolder: MIGRATIONS });
    }
    return { db: db as unknown as Db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  const dataDir = path.resolve(opts.dataDir ?? "./.data");
  const dir = path.join(dataDir, "pglite");
  secureDataDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const release = acquireLock(dir);
  try {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const client = await PGlite.create(dir);
    const db = drizzle(client, { schema, casing: "snake_case" });
    if (migrate) {
      const { migrate: run } = await import("drizzle-orm/pglite/migrator");
      await run(db, { migrationsFolder: MIGRATIONS });
    }
    // PGlite sets some file modes itself (0666, whatever the umask): tighten them now and from time
    // to time. The folders are 0700 throughout, so no other user can reach a file in between.
    secureDataDir(dataDir);
    const resecure = setInterval(() => {
      try {
        secureDataDir(dataDir);
      } catch {
        /* a file that went away while walking: next time */
      }
    }, 30_000);
    resecure.unref();
    return {
      db: db as unknown as Db,
      kind: "pglite",
      close: async () => {
        clearInterval(resecure);
        await client.close();
        secureDataDir(dataDir);
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

/**
 * The embedded database holds password hashes and customer data: its folder is owner-only. The
 * process umask becomes 077 before PGlite opens it, and anything looser is fixed: folders 0700,
 * files 0600 (the walk is cheap: about a thousand files).
 */
export function secureDataDir(dataDir: string): void {
  process.umask(0o077);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const fix = (p: string, isDir: boolean) => {
    const mode = fs.lstatSync(p).mode & 0o777;
    const want = isDir ? 0o700 : 0o600;
    if ((mode & 0o077) !== 0) fs.chmodSync(p, mode & want);
  };
  const walk = (d: string) => {
    fix(d, true);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) fix(p, false);
    }
  };
  walk(dataDir);
}

/**
 * PGlite has no file locking: two processes on one data folder silently lose writes.
 * A lock file holding the owner's pid refuses a second process with a clear message.
 */
function acquireLock(dir: string): () => void {
  const lockPath = path.join(dir, "cartlink.lock");
  try {
    fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
  } catch {
    const owner = Number(fs.readFileSync(lockPath, "utf8").trim());
    if (owner && owner !== process.pid && isAlive(owner)) {
      throw new Error(
        `The embedded database in ${path.dirname(dir)} is already open in process ${owner}. ` +
          "PGlite allows one process per data folder: stop that process, use another DATA_DIR, or set DATABASE_URL to share PostgreSQL.",
      );
    }
    fs.writeFileSync(lockPath, String(process.pid));
  }
  return () => {
    try {
      if (fs.readFileSync(lockPath, "utf8").trim() === String(process.pid)) fs.unlinkSync(lockPath);
    } catch {
      /* already gone */
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

declare global {
  var __cartlinkDb: Promise<Database> | undefined;
}

/**
 * The process's one database, opened lazily on first use (never at import, never by `next build`),
 * with migrations applied. Kept on globalThis so Next's separate bundles share it.
 */
export function getDatabase(): Promise<Database> {
  if (!globalThis.__cartlinkDb) {
    const p = (async () => {
      const { env } = await import("@/lib/env");
      const e = env();
      return openDatabase({ databaseUrl: e.DATABASE_URL, dataDir: e.DATA_DIR, prepare: e.DATABASE_PREPARE === "true" });
    })();
    globalThis.__cartlinkDb = p;
    p.catch(() => {
      if (globalThis.__cartlinkDb === p) globalThis.__cartlinkDb = undefined;
    });
  }
  return globalThis.__cartlinkDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Raw SQL rows from either driver (postgres.js returns an array, PGlite `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const r = result as { rows?: T[] };
  return r.rows ?? [];
}

const dialect = new PgDialect();

/**
 * Rows of a statement that runs many times a second (the outbox's claim and recording): on PostgreSQL
 * a named prepared statement, so each connection parses and plans it once rather than on every call
 * (drizzle's `execute` sends unnamed statements). PGlite runs it as `execute` does.
 */
export async function executeHot<T>(db: Db, query: SQL): Promise<T[]> {
  const client = (db as unknown as { $client?: { unsafe?: (text: string, params: unknown[], opts: { prepare: boolean }) => Promise<unknown>; options?: { prepare?: boolean } } }).$client;
  // PGlite, or PostgreSQL opened with prepare: false (DATABASE_PREPARE=false, for a transaction pooler).
  if (typeof client?.unsafe !== "function" || client.options?.prepare === false) return rowsOf<T>(await db.execute(query));
  const { sql: text, params } = dialect.sqlToQuery(query);
  return rowsOf<T>(await client.unsafe(text, params, { prepare: true }));
}
