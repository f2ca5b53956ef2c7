import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, type Database, type Db } from "@/lib/db/client";
import { merchants as merchantsTable } from "@/lib/db/schema";
import { seedDemo, type SeedDemoOptions } from "@/lib/demo/seed";

export type BackendKind = "pglite" | "postgres";

/**
 * The backends an integration test runs on: always PGlite, and PostgreSQL too when
 * TEST_DATABASE_URL points at a server (CI sets it). Use with `describe.each(testBackends())`.
 */
export function testBackends(): BackendKind[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestDatabase extends Database {
  /** The connection string of the fresh database (postgres) or the data folder (pglite). */
  location: string;
}

/** A fresh, migrated, empty database; `close()` deletes it. */
export async function openTestDatabase(kind: BackendKind): Promise<TestDatabase> {
  if (kind === "pglite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cartlink-test-"));
    const database = await openDatabase({ dataDir: dir });
    return {
      ...database,
      location: dir,
      close: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `cartlink_t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const { default: postgres } = await import("postgres");
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), max: 5 });
  return {
    ...database,
    location: url.toString(),
    close: async () => {
      await database.close();
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

export interface UseTestDatabaseOptions {
  /** Merchants to insert once the database is open, each named after its id (e.g. `["M1", "M2"]`). */
  merchants?: string[];
  /** Seed the demo store after the merchants: `true` for seedDemo's defaults, or its options. */
  seedDemo?: SeedDemoOptions | boolean;
}

/** The database a `useTestDatabase` block opened; read it inside hooks and tests, not while collecting. */
export interface OpenTestDatabase {
  readonly db: Db;
  readonly location: string;
}

/**
 * Registers the `beforeAll` that opens a fresh test database on `kind` (then inserts `merchants`
 * and seeds the demo data when asked) and the `afterAll` that closes and deletes it. Call it at the
 * top of a `describe.each(testBackends())` block; a later `beforeAll` in the block runs after this one.
 */
export function useTestDatabase(kind: BackendKind, options: UseTestDatabaseOptions = {}): OpenTestDatabase {
  let t: TestDatabase | undefined;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    if (options.merchants?.length) await t.db.insert(merchantsTable).values(options.merchants.map((id) => ({ id, name: id })));
    if (options.seedDemo) await seedDemo(t.db, options.seedDemo === true ? {} : options.seedDemo);
  });
  afterAll(async () => {
    const open = t;
    t = undefined;
    await open?.close();
  });
  const current = (): TestDatabase => {
    if (!t) throw new Error("The test database is not open: use it inside hooks and tests of the block that called useTestDatabase");
    return t;
  };
  return {
    get db() {
      return current().db;
    },
    get location() {
      return current().location;
    },
  };
}
