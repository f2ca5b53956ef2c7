import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { ontraportConfigs } from "@/lib/db/schema";
import { env, restBaseUrl } from "@/lib/env";
import { checkDestination, egressPolicy, NOT_ALLOWED, type EgressPolicy } from "@/lib/net/egress";
import { decryptSecret } from "./crypto";
import { deliver } from "../xml/deliver";
import { testRestConnection } from "../rest/test-connection";
import type { RestSend } from "../rest/http";
import { recordAudit } from "@/lib/audit";

/** REST: `GET /1/objects?objectID=0&range=1` with the App ID and key, as Valid / Rejected key / No permission / Unreachable. */
export async function probeRest({ appId, key, send, timeoutMs = TEST_TIMEOUT_MS }: { appId: string; key: string; send?: RestSend; timeoutMs?: number }): Promise<ProbeResult> {
  const r = await testRestConnection({ baseUrl: restBaseUrl(), appId, apiKey: key, timeoutMs, send });
  switch (r.result) {
    case "valid":
      return { result: "valid", code: r.code, message: r.message };
    case "rejected_key":
      return { result: "stale", code: r.code, message: r.message };
    case "no_permission":
      return { result: "no_permission", code: r.code, message: r.message };
    case "unreachable":
      return { result: "unreachable", code: r.code, message: r.message };
  }
}

export const TEST_TIMEOUT_MS = 15_000;
export const USER_AGENT = "cartlink/0.1.0";

export type ProbeResult =
  | { result: "valid"; code: number; message: string }
  | { result: "stale"; code: number; message: string }
  | { result: "no_permission"; code: number; message: string }
  | { result: "rejected"; code: number; message: string }
  | { result: "unreachable"; code: number | null; message: string };

type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/**
 * One harmless authenticated request (the legacy API's `reqType=key` read) to the endpoint. The key
 * is sent only there, only in the form body, and never appears in the returned message.
 * Redirects are not followed: a redirected POST would carry the key to another address.
 */
export async function probeKey({
  endpoint,
  key,
  fetchImpl,
  timeoutMs = TEST_TIMEOUT_MS,
  policy,
}: {
  endpoint: string;
  key: string;
  fetchImpl?: FetchLike;
  timeoutMs?: number;
  policy?: EgressPolicy;
}): Promise<ProbeResult> {
  // The destination is checked before the key goes anywhere (and again by deliver, which connects to
  // the address it checked). A refusal says "not allowed" and nothing about what is there.
  const verdict = await checkDestination(endpoint, policy ?? egressPolicy());
  if (!verdict.ok) return { result: "unreachable", code: null, message: verdict.unresolved ? "ONTRAPORT could not be reached: the host name could not be resolved." : verdict.reason };
  let res: { status: number; text: () => Promise<string> };
  if (fetchImpl) {
    try {
      res = await fetchImpl(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "User-Agent": USER_AGENT },
        body: new URLSearchParams({ key, reqType: "key", data: "" }).toString(),
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const err = e as Error;
      const timedOut = err.name === "TimeoutError" || err.name === "AbortError";
      return { result: "unreachable", code: null, message: unreachable(timedOut, timeoutMs) };
    }
  } else {
    const d = await deliver({ endpoint, apiKey: key, reqType: "key", xml: "", timeoutMs }, { policy });
    if (d.refused) return { result: "unreachable", code: null, message: d.error ?? NOT_ALLOWED };
    if (d.statusCode === null) return { result: "unreachable", code: null, message: unreachable(/timeout/.test(d.error ?? ""), timeoutMs) };
    res = { status: d.statusCode, text: async () => d.body };
  }
  const text = scrub((await res.text().catch(() => "")).slice(0, 2000), key);
  const code = res.status;
  if (code === 401 || code === 403) return { result: "stale", code, message: "ONTRAPORT refused the key: it is invalid or stale. Get a fresh key from ONTRAPORT Support and save it here." };
  if (code >= 200 && code < 300) {
    const error = /<error>([\s\S]*?)<\/error>/i.exec(text);
    if (error) return { result: "rejected", code, message: `ONTRAPORT answered with an error: ${error[1]!.trim().slice(0, 300)}` };
    if (/<result[\s>]/i.test(text)) return { result: "valid", code, message: "ONTRAPORT accepted the key." };
    return { result: "unreachable", code, message: "The endpoint answered, but not like ONTRAPORT does (no <result>). Check the endpoint URL." };
  }
  if (code >= 300 && code < 400) return { result: "unreachable", code, message: "The endpoint redirected elsewhere; the key was not sent on. Check the endpoint URL." };
  if (code >= 500 || code === 408) return { result: "unreachable", code, message: "ONTRAPORT is having trouble right now. Try again in a few minutes." };
  return { result: "unreachable", code, message: "The endpoint did not accept the request. Check the endpoint URL." };
}

/** Never the network error's code: that would tell an open port from a closed one. */
function unreachable(timedOut: boolean, timeoutMs: number): string {
  return timedOut ? `ONTRAPORT could not be reached: no answer within ${timeoutMs / 1000} s.` : "ONTRAPORT could not be reached. Check the endpoint URL, or try again in a few minutes.";
}

function scrub(text: string, key: string): string {
  return key ? text.split(key).join("••••") : text;
}

/**
 * Tests the merchant's stored key against its endpoint (override or ONTRAPORT_ENDPOINT) and records
 * the outcome: `valid` or `stale` become the key status; every answer updates the status code and time.
 */
export async function testConnection(
  db: Db,
  { merchantId, userId, fetchImpl, policy, restSend }: { merchantId: string; userId: string | null; fetchImpl?: FetchLike; policy?: EgressPolicy; restSend?: RestSend },
): Promise<ProbeResult | { result: "no_key"; code: null; message: string }> {
  const [row] = await db
    .select({ c: ontraportConfigs.apiKeyCiphertext, endpointUrl: ontraportConfigs.endpointUrl, protocol: ontraportConfigs.protocol, appId: ontraportConfigs.appId })
    .from(ontraportConfigs)
    .where(eq(ontraportConfigs.merchantId, merchantId));
  if (!row?.c) return { result: "no_key", code: null, message: "Save an ONTRAPORT API key first, then test it." };
  if (row.protocol === "rest" && !row.appId) return { result: "no_key", code: null, message: "Save the ONTRAPORT App ID first, then test it." };
  const r = row.protocol === "rest" ? await probeRest({ appId: row.appId!, key: decryptSecret(row.c), send: restSend }) : await probeKey({ endpoint: row.endpointUrl ?? env().ONTRAPORT_ENDPOINT, key: decryptSecret(row.c), fetchImpl, policy });
  await db.transaction(async (tx) => {
    await tx
      .update(ontraportConfigs)
      .set({
        ...(r.result === "valid" || r.result === "stale" ? { keyStatus: r.result } : {}),
        keyStatusCode: r.code,
        keyStatusAt: new Date(),
      })
      .where(eq(ontraportConfigs.merchantId, merchantId));
    await recordAudit(tx, { merchantId, userId, action: "ontraport.connection_tested", target: "ONTRAPORT API key", detail: { result: r.result, code: r.code } });
  });
  return r;
}
