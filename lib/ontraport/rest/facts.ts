import type { AffiliateSnapshot, AutoOrderStatusSnapshot, RefundSnapshot, SaleSnapshot } from "../xml/payload";

// What a REST transmission reports, fixed when the transmission is created (as the XML payload is):
// the pure snapshot plus what REST needs beyond it (the buyer's tags). Stored as JSON in
// `transmissions.snapshot`; dates travel as ISO strings and are revived here.

export type RestFacts =
  | { kind: "sale"; sale: SaleSnapshot; tags: string[]; paidAt: Date | null }
  | { kind: "refund"; refund: RefundSnapshot }
  | { kind: "auto_order_status"; autoOrder: AutoOrderStatusSnapshot }
  | { kind: "affiliate"; affiliate: AffiliateSnapshot; change: "signup" | "approval" };

/** JSON for the `snapshot` column (Dates become ISO strings). */
export function factsToJson(f: RestFacts): Record<string, unknown> {
  return JSON.parse(JSON.stringify(f)) as Record<string, unknown>;
}

function date(v: unknown): Date {
  const d = new Date(typeof v === "string" || typeof v === "number" ? v : Number.NaN);
  if (Number.isNaN(d.getTime())) throw new Error("the stored facts hold an invalid date");
  return d;
}

type Json = Record<string, unknown>;

function rec(v: unknown, what: string): Json {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error(`the stored facts have no ${what}`);
  return v as Json;
}

/** The facts back from the column; throws on anything that is not what factsToJson wrote. */
export function factsFromJson(raw: unknown): RestFacts {
  const j = rec(typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw, "object");
  switch (j.kind) {
    case "sale": {
      const s = rec(j.sale, "sale");
      const order = rec(s.order, "order");
      const sale = { ...s, created: date(s.created), order: { ...order, date: date(order.date) } } as unknown as SaleSnapshot;
      const tags = Array.isArray(j.tags) ? j.tags.filter((t): t is string => typeof t === "string") : [];
      return { kind: "sale", sale, tags, paidAt: j.paidAt == null ? null : date(j.paidAt) };
    }
    case "refund": {
      const s = rec(j.refund, "refund");
      const refund = rec(s.refund, "refund");
      return { kind: "refund", refund: { ...s, created: date(s.created), refund: { ...refund, date: date(refund.date) } } as unknown as RefundSnapshot };
    }
    case "auto_order_status": {
      const s = rec(j.autoOrder, "auto order");
      const a = rec(s.autoOrder, "auto order");
      return {
        kind: "auto_order_status",
        autoOrder: { ...s, created: date(s.created), autoOrder: { ...a, date: date(a.date), nextAttempt: a.nextAttempt == null ? null : date(a.nextAttempt) } } as unknown as AutoOrderStatusSnapshot,
      };
    }
    case "affiliate": {
      const s = rec(j.affiliate, "affiliate");
      return { kind: "affiliate", affiliate: { ...s, created: date(s.created) } as unknown as AffiliateSnapshot, change: j.change === "approval" ? "approval" : "signup" };
    }
    default:
      throw new Error(`the stored facts are of an unknown kind (${String(j.kind)})`);
  }
}

/** Tags from the items' "ONTRAPORT tags" fields (comma-separated) and the store-wide tag, in order, once each. */
export function buyerTags(itemTagFields: readonly (string | null | undefined)[], tagEveryBuyer: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const field of [...itemTagFields, tagEveryBuyer]) {
    for (const raw of (field ?? "").split(",")) {
      const t = raw.replace(/\p{Cc}/gu, " ").trim();
      if (t === "" || seen.has(t.toLowerCase())) continue;
      seen.add(t.toLowerCase());
      out.push(t);
    }
  }
  return out;
}
