import "server-only";
import { NextResponse } from "next/server";
import type { z } from "zod";
import { AuthError } from "@/lib/auth/session";
import { UserError } from "@/lib/errors";
import { log } from "@/lib/log";

/** Turns the typed errors of lib/ into JSON answers in one place; anything else is a 500 in words. */
export function errorResponse(e: unknown): NextResponse {
  if (e instanceof AuthError) return NextResponse.json({ error: e.message }, { status: e.status });
  if (e instanceof UserError) return NextResponse.json({ error: e.message }, { status: e.status });
  log("error", "ontraport route failed", { error: e instanceof Error ? e.message : String(e) });
  return NextResponse.json({ error: "Something went wrong reading the Transmission Log. Try again." }, { status: 500 });
}

export function invalidQuery(error: z.ZodError): NextResponse {
  return NextResponse.json({ error: "The query is not valid.", fieldErrors: Object.fromEntries(error.issues.map((i) => [i.path.join("."), i.message])) }, { status: 400 });
}

export const NO_STORE = { "Cache-Control": "no-store" };
