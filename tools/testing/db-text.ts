import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";

/** Every row of every table as text: a card number must appear nowhere. */
export async function wholeDatabaseText(db: Db): Promise<string> {
  const tables = rowsOf<{ table_name: string }>(await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`));
  const parts: string[] = [];
  for (const { table_name } of tables) {
    const rows = rowsOf<{ r: string }>(await db.execute(sql.raw(`select t::text as r from "${table_name}" t`)));
    parts.push(...rows.map((x) => x.r));
  }
  return parts.join("\n");
}
