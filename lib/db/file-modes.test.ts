import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "./client";
import { merchants } from "./schema";

function looseEntries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if ((fs.statSync(d).mode & 0o077) !== 0) out.push(`${d} ${(fs.statSync(d).mode & 0o777).toString(8)}`);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && (fs.statSync(p).mode & 0o077) !== 0) out.push(`${p} ${(fs.statSync(p).mode & 0o777).toString(8)}`);
    }
  };
  walk(dir);
  return out;
}

describe("the embedded database's files", () => {
  const saved = process.umask();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cartlink-modes-"));
  afterAll(() => {
    process.umask(saved);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("are owner-only: folders 0700 and files 0600, whatever the umask, and looser ones already there are fixed on start", async () => {
    process.umask(0); // the worst case: every file PGlite creates would be 0666
    fs.chmodSync(dir, 0o777);
    fs.mkdirSync(path.join(dir, "old"), { mode: 0o777 });
    fs.writeFileSync(path.join(dir, "old", "leftover"), "x", { mode: 0o666 });
    fs.writeFileSync(path.join(dir, "secrets.json"), "{}", { mode: 0o644 });
    const database = await openDatabase({ dataDir: dir });
    expect(looseEntries(dir).slice(0, 5)).toEqual([]);
    await database.db.insert(merchants).values({ id: "M1", name: "M1" }); // writes to the WAL
    // While it runs, nothing inside is reachable by another user: every folder is owner-only.
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(dir, "pglite")).mode & 0o777).toBe(0o700);
    await database.close();
    expect(fs.readdirSync(path.join(dir, "pglite")).length).toBeGreaterThan(5);
    expect(looseEntries(dir).slice(0, 5)).toEqual([]);
    expect(fs.statSync(path.join(dir, "old", "leftover")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(dir, "old")).mode & 0o777).toBe(0o700);
  });
});
