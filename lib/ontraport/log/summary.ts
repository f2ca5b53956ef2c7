import "server-only";
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/client";
import { transmissions } from "@/lib/db/schema";
import { healthWindow } from "./queries";

/** What Home and the side menu say about ONTRAPORT deliveries. */
export interface DeliverySummary {
  /** Created in the last 7 days (the Health panel's 7-day window) and failed now. */
  failed7d: number;
  /** Queued, being sent or held behind an earlier Sale now, whatever their age. */
  waiting: number;
  /** Paused now behind a stale API key. */
  paused: number;
  /** Start of the 7-day window, ISO. */
  since: string;
}

const countsSchema = z.object({ failed: z.coerce.number().int().min(0), waiting: z.coerce.number().int().min(0), paused: z.coerce.number().int().min(0) });

/**
 * Failed (last 7 days) and waiting counts of a store's transmissions: three index-only counts on
 * (merchant_id, status, created_at), cheap enough for every dashboard page.
 */
export async function getDeliverySummary(db: Db, { merchantId, now = new Date() }: { merchantId: string; now?: Date }): Promise<DeliverySummary> {
  const { since } = healthWindow("7d", now);
  const t = transmissions;
  const [row] = rowsOf<Record<string, unknown>>(
    await db.execute(sql`
      select
        (select count(*) from ${t} where ${t.merchantId} = ${merchantId} and ${t.status} = 'failed' and ${t.createdAt} >= ${since.toISOString()}::timestamptz)::int as failed,
        (select count(*) from ${t} where ${t.merchantId} = ${merchantId} and ${t.status} in ('pending', 'sending', 'held'))::int as waiting,
        (select count(*) from ${t} where ${t.merchantId} = ${merchantId} and ${t.status} = 'paused')::int as paused`),
  );
  const counts = countsSchema.parse(row ?? {});
  return { failed7d: counts.failed, waiting: counts.waiting, paused: counts.paused, since: since.toISOString().replace(".000Z", "Z") };
}
