import { NextResponse } from "next/server";
import { getDb } from "@/lib/db/client";
import { checkHealth } from "@/lib/ops/health";

/** GET /api/health: 200 when the database answers (status ok or degraded), 503 when it does not. */
export async function GET() {
  let health;
  try {
    health = await checkHealth(await getDb());
  } catch (e) {
    health = await checkHealth(null, e instanceof Error ? e.message.slice(0, 200) : undefined);
  }
  return NextResponse.json(health, { status: health.database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
