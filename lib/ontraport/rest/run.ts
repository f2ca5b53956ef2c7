import type { Outcome } from "../engine/outcome";
import { classifyStep, okData } from "./classify";
import { restCall, type RestCallSpec, type RestContext, type RestStep, type RestValue } from "./http";

// The calls of one attempt: made one after the other, each kept as a step; the first failure stops
// the attempt with its outcome. Before a call, the attempt also stops (without calling) when the
// previous answer said no call is left in the rate window, or when the context's `beforeCall` says
// to wait: slowing down before a 429 rather than after.

export type CallResult = { ok: true; data: unknown; step: RestStep } | { ok: false; outcome: Outcome; step: RestStep | null };

export class Attempt {
  readonly steps: RestStep[] = [];

  constructor(readonly ctx: RestContext) {}

  async call(spec: RestCallSpec): Promise<CallResult> {
    const last = this.steps.at(-1);
    if (last && last.rateLimitRemaining === 0 && (last.rateLimitReset ?? 0) > 0) {
      return { ok: false, outcome: { kind: "rate_limited", resetSeconds: Math.ceil(last.rateLimitReset ?? 1) }, step: null };
    }
    const wait = await this.ctx.beforeCall?.(spec);
    if (typeof wait === "number" && wait > 0) return { ok: false, outcome: { kind: "rate_limited", resetSeconds: Math.ceil(wait) }, step: null };
    const step = await restCall(this.ctx, spec);
    this.steps.push(step);
    const data = okData(step);
    if (data !== null) return { ok: true, data: data.data, step };
    return { ok: false, outcome: classifyStep(step), step };
  }
}

/** Record<string, unknown> or null. */
export function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** An id as ONTRAPORT answers it (string or number), as a string; null when absent. */
export function idOf(v: unknown): string | null {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  return null;
}

/** Rows of a collection answer (`data: [...]`; an empty map may come back as `[]` or `{}`). */
export function rowsOf(data: unknown): Record<string, unknown>[] {
  if (Array.isArray(data)) return data.map(obj).filter((r): r is Record<string, unknown> => r !== null);
  const o = obj(data);
  if (o === null) return [];
  return Object.values(o)
    .map(obj)
    .filter((r): r is Record<string, unknown> => r !== null);
}

/** An id sent in a body: a number when it is one (as ONTRAPORT's examples show), else the string. */
export function idValue(id: string): RestValue {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/** Cents as the decimal number ONTRAPORT takes (1990 -> 19.9). */
export function amount(cents: number): number {
  return cents / 100;
}

/** A JSON `condition` clause: `[{"field":{"field":f},"op":op,"value":{"value":v}}]`. */
export function condition(...clauses: Array<[field: string, op: string, value: string | number]>): string {
  const out: unknown[] = [];
  clauses.forEach(([field, op, value], i) => {
    if (i > 0) out.push("AND");
    out.push({ field: { field }, op, value: { value } });
  });
  return JSON.stringify(out);
}

/** The tag calls' body: `{objectID: 0, ids: [contact], add_names | remove_names: [...]}`. */
export function tagCall(method: "PUT" | "DELETE", contactId: string, names: string[]): RestCallSpec {
  return {
    method,
    path: "/objects/tagByName",
    params: { objectID: 0, ids: [idValue(contactId)], [method === "PUT" ? "add_names" : "remove_names"]: names },
  };
}

/** Tag names cleaned and deduplicated (case-insensitive), in order. */
export function cleanTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of tags) {
    const v = t.replace(/\p{Cc}/gu, " ").trim();
    if (v === "" || seen.has(v.toLowerCase())) continue;
    seen.add(v.toLowerCase());
    out.push(v);
  }
  return out;
}
