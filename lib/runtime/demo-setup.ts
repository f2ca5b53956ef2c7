import { openDatabase } from "@/lib/db/client";
import { seedDemo } from "@/lib/db/seed/demo";

/**
 * Migrates and seeds the demo database, then closes it (so the web server can own the embedded
 * database). Returns whether demo data was created.
 */
export async function prepareDemoDatabase(opts: { databaseUrl?: string; dataDir: string; simUrl: string }): Promise<boolean> {
  const database = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  try {
    return await seedDemo(database.db);
  } finally {
    await database.close();
  }
}
