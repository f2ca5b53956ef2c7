import "server-only";
import type { Db } from "@/lib/db/client";
import { UserError } from "@/lib/errors";

/*
 * The one seam between the Transmission Log's actions and the delivery engine
 * (lib/ontraport/outbox.ts, built in parallel). Until the engine is merged these stand-ins refuse
 * in words; after the merge this file becomes a re-export of the engine's functions.
 */
const NOT_YET = "Resending needs the delivery engine, which is not installed in this build.";

export async function enqueueManualResend(_db: Db, _input: { merchantId: string; orderId: string; userId: string; requestId: string }): Promise<{ id: string; created: boolean }> {
  throw new UserError(NOT_YET);
}

export async function requeueFailed(_db: Db, _input: { merchantId: string; from: Date; to: Date }): Promise<number> {
  throw new UserError(NOT_YET);
}
