import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "@/lib/db/client";

// Integration turned off (or switched to the Pixel): what was queued, held or paused is skipped with
// the reason, and turning the API on again sends none of it (Resend does). The configuration save
// skips the rows at once; this sweep, run by every worker every few seconds, catches the rows that
// were in flight then and came back to the queue afterwards (a timeout, a 5xx, a 429, a stale key).

export const INTEGRATION_OFF_REASON = "Integration turned off before it was sent: turning it on again does not send it; resend it by hand";

export async function skipOffIntegrations(db: Db, now: Date): Promise<number> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`update transmissions t set status = 'skipped', end_reason = 'integration_off', last_error = ${INTEGRATION_OFF_REASON}, updated_at = ${now.toISOString()}::timestamptz
      from ontraport_configs c
      where c.merchant_id = t.merchant_id and c.method <> 'api' and t.direction = 'outbound' and t.status in ('pending', 'held', 'paused')
      returning t.id`),
  );
  return rows.length;
}
