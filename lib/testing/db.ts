import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { openDatabase, type Database } from "@/lib/db/client";

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
