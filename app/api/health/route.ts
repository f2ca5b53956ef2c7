import { NextResponse } from "next/server";
import { publicRoute } from "@/lib/route";
import { checkHealth } from "@/lib/ops/health";

/** GET /api/health: 200 when the database answers (status ok or degraded), 503 when it does not. */
export const GET = publicRoute({ why: "monitors and load balancers ask without a login; it says only whether the service and its database work" }, async ({ db }) => {
  let health;
  try {
    health = await checkHealth(await db());
  } catch (e) {
    health = await checkHealth(null, e instanceof Error ? e.message.slice(0, 200) : undefined);
  }
  return NextResponse.json(health, { status: health.database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } });
});
