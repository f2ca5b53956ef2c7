import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runs } from "@/tools/testing/fc-runs";
import fc from "fast-check";
import { and, eq, sql } from "drizzle-orm";
import { openTestDatabase, testBackends, type TestDatabase } from "@/tools/testing/db";
import { seedDemo } from "@/lib/demo/seed";
import { auditLog, autoOrders, domainEvents, items, orderLines, orders, refunds, transmissions } from "@/lib/db/schema";
import { NotFoundError, UserError } from "@/lib/errors";
import { placeOrder } from "@/lib/orders/checkout";
import { refundOrder, refundable } from "@/lib/orders/refunds";
import { correctOrderItems } from "@/lib/orders/edit-items";
import { checkoutSchema } from "@/lib/store/checkout-schema";
import { parseCart } from "@/lib/store/cart";
import { TEST_CARDS } from "@/lib/store/payments";
import { saveMappings, validateMappingChanges } from "@/lib/ontraport/config/mapping";
import { normalizeSubdomain, isDnsHostName } from "@/lib/ontraport/config/subdomain";
import { logQuerySchema, rangeOf } from "@/lib/ontraport/log/params";
import { listTransmissions } from "@/lib/ontraport/log/queries";
import { itemSchema, customFieldsOf } from "@/lib/items/schema";
import { createItem } from "@/lib/items/queries";
import type { Db } from "@/lib/db/client";

/**
 * Hostile input, property-based: whatever a shopper or a signed-in user sends, the answer is a valid
 * result or a clear UserError (a message, often with its field), never an unexpected error and never a
 * half-written change. Runs on real databases (PGlite and, with TEST_DATABASE_URL, PostgreSQL).
 */

const RUNS = 100;

/** Strings attackers and unlucky users send. */
const nasty = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; drop table orders; --",
    "Robert'); DROP TABLE items;--",
    "\u0000",
    "a\u0000b",
    "\u202e\u0301",
    "😀".repeat(300),
    "%00%0d%0a",
    "${7*7}{{7*7}}",
    "../../etc/passwd",
    "\r\n\tX-Injected: 1",
    "null",
    "undefined",
    "NaN",
    "-1",
    "1e309",
    "0x10",
    "x".repeat(10_000),
  ),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: "binary", maxLength: 120 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
);

/** Anything a JSON body or a confused client might send instead of a string. */
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));

/**
 * Hostile text of a valid shape for a `max`-character field: markup, quotes, SQL, templates, RTL
 * overrides, combining marks, emoji, other scripts, and strings of exactly the maximum length (no
 * control characters, which the checkout refuses, and something left after trimming).
 */
function hostileText(max: number) {
  const visible = fc.string({ unit: "grapheme", minLength: 1, maxLength: Math.min(40, Math.floor(max / 2)) }).filter((s) => s.trim().length > 0 && !/\p{Cc}/u.test(s) && s.length <= max);
  return fc.oneof(
    fc.constantFrom(
      "<script>alert(1)</script>",
      '"><img src=x onerror=alert(1)>',
      "O'Brien \"Bob\" `x`",
      "'; drop table orders; --",
      "Robert'); DROP TABLE items;--",
      "${7*7}{{7*7}}<%= 7*7 %>",
      "\u202eevil\u202c \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
      "Zoe\u0301\u0301\u0301 \u200b\u200d",
      "😀👩‍👩‍👧‍👦🏳️‍🌈",
      "]]><![CDATA[x]]>&amp;&lt;",
      "../../etc/passwd",
      "%00%0d%0a",
      " Ada ",
      "x".repeat(max),
      "😀".repeat(Math.floor(max / 2)),
      "\u00e9".repeat(max),
    ),
    visible,
  );
}

/** Valid e-mail addresses (as the checkout's rule reads them) with odd local parts and case. */
const hostileEmail = fc.oneof(
  fc.constantFrom("o'brien+tag@example.com", "-x-@example.com", "a+b+c+d@example.com", "_@example.com", "UPPER.Case@Example.COM", " ada@example.com ", "1'2'3@x-y.example.museum", `${"a".repeat(64)}@example.com`),
  fc.tuple(fc.stringMatching(/^[A-Za-z0-9_'+-]{1,30}$/).filter((l) => !l.endsWith("'")), fc.constantFrom("example.com", "EXAMPLE.org", "mail.example.co.uk")).map(([l, d]) => `${l}@${d}`),
);

async function counts(db: Db) {
  const [o, l, a, e, r, au] = await Promise.all([db.$count(orders), db.$count(orderLines), db.$count(autoOrders), db.$count(domainEvents), db.$count(refunds), db.$count(auditLog)]);
  return { orders: o, lines: l, autoOrders: a, events: e, refunds: r, audit: au };
}

function isClearUserError(e: unknown): e is UserError {
  return e instanceof UserError && typeof e.message === "string" && e.message.length > 0;
}

const good = { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com", address1: "1 Main St", city: "Austin", stateRegion: "TX", postalCode: "73301", countryCode: "US", dayPhone: "" };

describe("hostile input: pure schemas", () => {
  it("checkout schema: random, malicious, huge and wrongly typed fields never throw; errors name a field", () => {
    const field = fc.constantFrom("merchant", "theme", "checkoutKey", "firstName", "lastName", "email", "address1", "city", "stateRegion", "postalCode", "countryCode", "dayPhone", "paymentChoice", "cardNumber", "extra");
    fc.assert(
      fc.property(fc.dictionary(field, fc.oneof(nasty, wrongType), { maxKeys: 15 }), fc.boolean(), (over, startGood) => {
        const form = { ...(startGood ? { merchant: "DEMO", theme: "DEFAULT", checkoutKey: "k".repeat(20), paymentChoice: "quote", ...good } : {}), ...over };
        const r = checkoutSchema.safeParse(form);
        if (r.success) {
          // Whatever got through is text the database can hold.
          for (const v of Object.values(r.data)) if (typeof v === "string") expect(v).not.toMatch(/\u0000/);
        } else {
          for (const issue of r.error.issues) {
            expect(issue.message.length).toBeGreaterThan(0);
            expect(issue.path.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("NUL and other control characters are refused beside the field (PostgreSQL text cannot hold NUL)", () => {
    const base = { merchant: "DEMO", theme: "DEFAULT", checkoutKey: "k".repeat(20), paymentChoice: "quote", ...good };
    for (const f of ["firstName", "lastName", "address1", "city", "stateRegion"] as const) {
      const r = checkoutSchema.safeParse({ ...base, [f]: "Ada\u0000Lovelace" });
      expect(r.success, f).toBe(false);
      if (!r.success) expect(r.error.issues[0]!.path).toEqual([f]);
    }
    expect(checkoutSchema.safeParse({ ...base, email: "ada\u0000@example.com" }).success).toBe(false);
    const item = itemSchema.safeParse({ merchantItemId: "NEW", price: "1.00", kind: "standard", description: "Lamp\u0000" });
    expect(item.success).toBe(false);
    expect(logQuerySchema.safeParse({ q: "DEMO\u0000" }).success).toBe(false);
    expect(validateMappingChanges([{ itemId: "__proto__", value: "a\u0007b" }])["__proto__"]).toMatch(/control characters/);
  });

  it("item editor schema: hostile fields never throw; control characters never reach the database", () => {
    const field = fc.constantFrom("id", "merchantItemId", "description", "price", "kind", "frequency", "oapProductid", "cfName_1", "cfValue_1", "cfName_2", "cfValue_2");
    fc.assert(
      fc.property(fc.dictionary(field, nasty, { maxKeys: 11 }), (over) => {
        const r = itemSchema.safeParse({ merchantItemId: "NEW-ITEM", price: "1.00", kind: "standard", ...over });
        if (!r.success) return;
        expect(r.data.price).toBeGreaterThanOrEqual(0);
        expect(Number.isSafeInteger(r.data.price)).toBe(true);
        expect(r.data.description).not.toMatch(/\u0000/);
        const { fields } = customFieldsOf(r.data as unknown as Record<string, string>, r.data.oapProductid);
        for (const [k, v] of Object.entries(fields)) {
          expect(k).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,39}$/);
          expect(v).not.toMatch(/\u0000/);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("product mapping: every value either normalises to clean text of at most 255 characters or gets a message", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ itemId: fc.string({ maxLength: 20 }), value: nasty }), { maxLength: 20 }), (changes) => {
        const errors = validateMappingChanges(changes);
        for (const c of changes) {
          if (!Object.hasOwn(errors, c.itemId)) continue;
          expect(errors[c.itemId]!.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: runs(300) },
    );
  });

  it("ONTRAPORT Sub-domain: only a plain DNS host name (lower case, no scheme, no markup) is ever accepted", () => {
    const urlish = fc.oneof(nasty, fc.webUrl(), fc.domain(), fc.ipV4(), fc.ipV6(), fc.emailAddress(), fc.tuple(fc.constantFrom("javascript:", "data:", "http://", "https://", "//", "HTTPS://"), fc.domain(), nasty).map((p) => p.join("")));
    fc.assert(
      fc.property(urlish, fc.boolean(), (input, allowLocal) => {
        const r = normalizeSubdomain(input, { allowLocal });
        if (!r.ok) {
          expect(r.error.length).toBeGreaterThan(0);
          return;
        }
        expect(r.host).toBe(r.host.toLowerCase());
        expect(r.host).not.toMatch(/[\s"'`<>\\/@?#]/);
        const bare = r.host.replace(/:[0-9]+$/, "");
        if (!(allowLocal && (bare === "localhost" || bare === "127.0.0.1"))) expect(isDnsHostName(r.host)).toBe(true);
        // Idempotent: the stored value is accepted as it is.
        expect(normalizeSubdomain(r.host, { allowLocal })).toEqual(r);
      }),
      { numRuns: runs(500) },
    );
  });

  it("log query schema: hostile query strings never throw and accepted dates stay in a range PostgreSQL can compare", () => {
    const key = fc.constantFrom("type", "status", "from", "to", "q", "cursor", "dir", "seen", "view", "x");
    const dateish = fc.oneof(nasty, fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom("2026-11-25", "-271821-04-20T00:00:00Z", "+275760-09-13T00:00:00Z", "0", "99999", "2026-02-31"));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(nasty, dateish), { maxKeys: 8 }), (params) => {
        const r = logQuerySchema.safeParse(params);
        if (!r.success) return;
        const { from, to } = rangeOf(r.data);
        for (const d of [from, to]) if (d) expect(Number.isNaN(d.getTime())).toBe(false);
      }),
      { numRuns: runs(500) },
    );
  });
});

describe.each(testBackends())("hostile input on %s", (kind) => {
  let t: TestDatabase;
  let demoItemIds: string[] = [];
  let n = 0;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
    await seedDemo(t.db, { orderCount: 20 });
    demoItemIds = (await t.db.select({ id: items.merchantItemId }).from(items).where(eq(items.merchantId, "DEMO")).orderBy(items.merchantItemId)).map((r) => r.id);
  }, runs(120_000));
  afterAll(async () => {
    await t?.close();
  });

  it("StoreFront checkout: hostile values of a valid shape place an order that stores exactly what was typed (validated form); otherwise a clear UserError, never a partial write; a repeated submit returns the same order", async () => {
    // Mostly valid shapes, so most runs place an order; now and then something the checkout must refuse.
    // Items DEMO sells, in any quantity the cart allows; in about one run in ten, one line more that
    // is foreign, unknown, inactive or hostile, or a quantity out of range.
    const forSale = (await t.db.select({ id: items.merchantItemId }).from(items).where(and(eq(items.merchantId, "DEMO"), eq(items.inactive, false)))).map((r) => r.id);
    const validLine = fc.record({ itemId: fc.constantFrom(...forSale), quantity: fc.integer({ min: 1, max: 99 }) });
    const hostileLine = fc.record({
      itemId: fc.oneof(fc.constantFrom(...demoItemIds), fc.constantFrom("ANVIL", "NOPE", "<script>"), nasty),
      quantity: fc.oneof(fc.integer({ min: 1, max: 99 }), fc.integer({ min: -5, max: 200 })),
    });
    const cartLines = fc.tuple(fc.array(validLine, { minLength: 1, maxLength: 6 }), fc.oneof({ arbitrary: fc.constant(null), weight: 9 }, { arbitrary: hostileLine, weight: 1 }), fc.nat()).map(([lines, extra, at]) => {
      if (!extra) return lines;
      const i = at % (lines.length + 1);
      return [...lines.slice(0, i), extra, ...lines.slice(i)];
    });
    const billing = fc.record({
      firstName: hostileText(100),
      lastName: hostileText(100),
      email: hostileEmail,
      address1: hostileText(200),
      city: hostileText(100),
      stateRegion: hostileText(60),
      postalCode: fc.oneof(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 -]{0,18}[A-Za-z0-9-]$/), fc.constantFrom("SW1A 1AA", "12345-6789", "-", "0".repeat(20), " 73301 ")),
      countryCode: fc.oneof(fc.stringMatching(/^[A-Za-z]{2}$/), fc.constantFrom("US", "gb", " fr ")),
      dayPhone: fc.oneof(fc.constant(""), fc.stringMatching(/^[0-9+() .-]{1,40}$/), fc.constantFrom("+1 (555) 010-9999", "((((", "-- ..", "9".repeat(40))),
    });
    // Valid card numbers (Luhn), typed with spaces or dashes; the declined test card now and then.
    const cardNumber = fc.oneof(
      { arbitrary: fc.tuple(fc.constantFrom(TEST_CARDS.approved, TEST_CARDS.fraudReview, "5555555555554444", "378282246310005", "6011111111111117"), fc.constantFrom("", " ", "-")).map(([d, sep]) => (sep ? d.replace(/(\d{4})(?=\d)/g, `$1${sep}`) : d)), weight: 10 },
      { arbitrary: fc.constantFrom(TEST_CARDS.declined, "4111 1111 1111 1112", "", "<script>alert(1)</script>"), weight: 1 },
    );
    let tried = 0;
    let placed = 0;
    /** Why runs placed no order (a schema issue's field, or the UserError's field), for the summary. */
    const refused = new Map<string, number>();
    const refuse = (why: string) => refused.set(why, (refused.get(why) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(
        cartLines,
        billing,
        // Card is the most common choice (and the only one for subscriptions).
        fc.oneof({ arbitrary: fc.constant("card"), weight: 12 }, { arbitrary: fc.constantFrom("echeck", "purchase_order", "quote"), weight: 8 }, { arbitrary: fc.constant("bitcoin"), weight: 1 }),
        cardNumber,
        fc.oneof({ arbitrary: fc.constant("DEMO"), weight: 12 }, { arbitrary: fc.constantFrom("ACME", "NOPE"), weight: 1 }),
        fc.integer({ min: 1, max: 3 }),
        async (cartLines, typed, paymentChoice, cardNumber, merchant, submits) => {
          tried += 1;
          const checkoutKey = `hostile-${kind}-${++n}-${Date.now()}`;
          const form = { merchant, theme: "DEFAULT", checkoutKey, paymentChoice, cardNumber, ...typed };
          const parsed = checkoutSchema.safeParse(form);
          if (!parsed.success) {
            refuse(`schema: ${String(parsed.error.issues[0]!.path[0])}`);
            return;
          }
          // The cart comes from a cookie the shopper controls: it goes through parseCart as in the action.
          const cart = parseCart(JSON.stringify(cartLines.map((l) => [l.itemId, l.quantity])));
          const { merchant: m, theme, checkoutKey: key, paymentChoice: choice, cardNumber: card, ...billing } = parsed.data;
          const before = await counts(t.db);
          let first: string | null = null;
          for (let i = 0; i < submits; i++) {
            try {
              const r = await placeOrder(t.db, { merchantId: m, themeCode: theme, cart, billing: { ...billing, dayPhone: billing.dayPhone ?? "" }, choice, cardNumber: choice === "card" ? card : undefined, checkoutKey: key });
              if (first === null) first = r.order.id;
              else {
                expect(r.duplicate).toBe(true);
                expect(r.order.id).toBe(first);
              }
              expect(r.order.merchantId).toBe(m);
              expect(r.order.totalCents).toBeGreaterThanOrEqual(0);
            } catch (e) {
              // Never a 500: a message the shopper can act on, with a 4xx status.
              if (!isClearUserError(e)) throw e;
              expect(e.status).toBeLessThan(500);
              if (i === 0) refuse(`refused: ${e.field ?? "-"}: ${e.message.slice(0, 40)}`);
              expect(first).toBeNull();
            }
          }
          const after = await counts(t.db);
          if (first === null) {
            expect(after).toEqual(before);
            return;
          }
          placed += 1;
          expect(after.orders).toBe(before.orders + 1);
          const lines = await t.db.$count(orderLines, eq(orderLines.orderId, first));
          expect(lines).toBe(cart.length);
          // Stored exactly as typed, in the validated form (trimmed; e-mail lower case; country upper case).
          const [row] = await t.db.select().from(orders).where(eq(orders.id, first));
          expect({
            firstName: row!.firstName,
            lastName: row!.lastName,
            email: row!.email,
            address1: row!.address1,
            city: row!.city,
            stateRegion: row!.stateRegion,
            postalCode: row!.postalCode,
            countryCode: row!.countryCode,
            dayPhone: row!.dayPhone,
          }).toEqual({ ...billing, dayPhone: billing.dayPhone ?? "" });
          expect(row!.firstName).toBe(typed.firstName.trim());
          expect(row!.address1).toBe(typed.address1.trim());
          expect(row!.email).toBe(typed.email.trim().toLowerCase());
        },
      ),
      { numRuns: runs(RUNS) },
    );
    console.log(`[${kind}] hostile checkout: ${placed} of ${tried} runs placed an order (${((100 * placed) / Math.max(1, tried)).toFixed(0)}%); no order: ${JSON.stringify(Object.fromEntries(refused))}`);
    expect(placed / tried).toBeGreaterThanOrEqual(0.5);
  }, runs(120_000));

  it("refunds: random lines, amounts and shipping never over-refund; a refusal is a clear message and writes nothing", async () => {
    const paid = await t.db
      .select({ id: orders.id })
      .from(orders)
      .where(and(eq(orders.merchantId, "DEMO"), sql`${orders.paymentStatus} in ('Processed', 'Authorized')`))
      .orderBy(orders.id)
      .limit(8);
    expect(paid.length).toBeGreaterThan(0);
    const money = fc.oneof(fc.integer({ min: -1000, max: 100_000 }), fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER, -0, 2 ** 31), fc.double());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paid.map((p) => p.id)),
        fc.array(fc.record({ pick: fc.nat(5), quantity: fc.oneof(fc.integer({ min: -3, max: 20 }), fc.double()) }), { maxLength: 4 }),
        fc.option(money, { nil: undefined }),
        fc.option(money, { nil: undefined }),
        fc.boolean(),
        nasty,
        async (orderId, picks, amountCents, shippingHandlingCents, full, reason) => {
          const [order] = await t.db.select().from(orders).where(eq(orders.id, orderId));
          const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, orderId));
          const request = {
            full: full && picks.length === 0,
            lines: picks.map((p) => ({ lineId: lines[p.pick % lines.length]?.id ?? "00000000-0000-0000-0000-000000000000", quantity: p.quantity })),
            amountCents,
            shippingHandlingCents,
          };
          const before = await counts(t.db);
          try {
            const refund = await refundOrder(t.db, { merchantId: "DEMO", orderId, request, reason, by: { userId: null, label: "admin@demo.test" } });
            expect(refund.amountCents).toBeGreaterThan(0);
          } catch (e) {
            if (!isClearUserError(e)) throw e;
            expect(await counts(t.db)).toEqual(before);
          }
          const [afterOrder] = await t.db.select().from(orders).where(eq(orders.id, orderId));
          const left = refundable({ ...afterOrder!, lines: [] });
          expect(left.totalCents).toBeGreaterThanOrEqual(0);
          expect(left.merchandiseCents).toBeGreaterThanOrEqual(0);
          expect(left.taxCents).toBeGreaterThanOrEqual(0);
          expect(left.shippingHandlingCents).toBeGreaterThanOrEqual(0);
          expect(afterOrder!.totalRefundedCents).toBeLessThanOrEqual(order!.totalCents);
          const after = await t.db.select().from(orderLines).where(eq(orderLines.orderId, orderId));
          for (const l of after) {
            expect(l.quantityRefunded).toBeLessThanOrEqual(l.quantity);
            expect(l.totalRefundedCents).toBeLessThanOrEqual(l.totalCents);
          }
        },
      ),
      { numRuns: runs(RUNS) },
    );
  }, runs(120_000));

  it("another merchant's order is not found, and nothing is written", async () => {
    const [demoOrder] = await t.db.select({ id: orders.id }).from(orders).where(eq(orders.merchantId, "DEMO")).limit(1);
    const before = await counts(t.db);
    await expect(refundOrder(t.db, { merchantId: "ACME", orderId: demoOrder!.id, request: { full: true }, reason: "x", by: { userId: null, label: "admin@acme.test" } })).rejects.toBeInstanceOf(NotFoundError);
    expect(await counts(t.db)).toEqual(before);
  });

  it("Edit > Items: hostile or foreign Item IDs are a message on the line, and a refused batch changes no line", async () => {
    const paid = await t.db.select({ id: orders.id }).from(orders).where(eq(orders.merchantId, "DEMO")).orderBy(orders.id).limit(6);
    const itemId = fc.oneof(fc.constantFrom(...demoItemIds), fc.constantFrom("ANVIL", "NOPE"), nasty);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paid.map((p) => p.id)), fc.array(fc.record({ pick: fc.nat(5), merchantItemId: itemId }), { maxLength: 4 }), async (orderId, picks) => {
        const lines = await t.db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.lineNo);
        const changes = picks.map((p) => ({ lineId: lines[p.pick % lines.length]!.id, merchantItemId: p.merchantItemId }));
        const before = await counts(t.db);
        try {
          const r = await correctOrderItems(t.db, { merchantId: "DEMO", orderId, changes, by: { userId: null, label: "admin@demo.test" } });
          expect(r.changed.length).toBeGreaterThan(0);
          const after = await t.db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.lineNo);
          // Only the item changes: never a quantity or an amount.
          expect(after.map((l) => [l.quantity, l.totalCents, l.totalRefundedCents])).toEqual(lines.map((l) => [l.quantity, l.totalCents, l.totalRefundedCents]));
          for (const l of after) expect(["ANVIL", "NOPE"]).not.toContain(l.merchantItemId);
        } catch (e) {
          if (!isClearUserError(e)) throw e;
          expect(await counts(t.db)).toEqual(before);
          expect(await t.db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.lineNo)).toEqual(lines);
        }
      }),
      { numRuns: runs(RUNS) },
    );
  }, runs(120_000));

  it("product mapping save: all or nothing for random batches (bad values, unknown and foreign Item IDs)", async () => {
    const itemId = fc.oneof(fc.constantFrom(...demoItemIds), fc.constantFrom("ANVIL", "NOPE"), nasty);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ itemId, value: nasty }), { maxLength: 8 }), async (raw) => {
        // One change per Item ID, as the form sends.
        const changes = [...new Map(raw.map((c) => [c.itemId, c])).values()];
        const snapshot = async () => (await t.db.select({ id: items.merchantItemId, cf: items.customFields }).from(items).where(eq(items.merchantId, "DEMO"))).map((r) => JSON.stringify(r)).sort();
        const before = await snapshot();
        const audit = await t.db.$count(auditLog);
        try {
          const { saved } = await saveMappings(t.db, { merchantId: "DEMO", userId: null, changes });
          expect(await t.db.$count(auditLog)).toBe(audit + saved);
          for (const c of changes) {
            const [row] = await t.db.select({ cf: items.customFields }).from(items).where(and(eq(items.merchantId, "DEMO"), eq(items.merchantItemId, c.itemId)));
            const v = c.value.trim();
            expect((row!.cf as Record<string, string>).oapProductid ?? "").toBe(v);
          }
        } catch (e) {
          if (!isClearUserError(e)) throw e;
          expect(await snapshot()).toEqual(before);
          expect(await t.db.$count(auditLog)).toBe(audit);
        }
        // ACME's items are never touched by DEMO's save.
        const [anvil] = await t.db.select({ cf: items.customFields }).from(items).where(and(eq(items.merchantId, "ACME"), eq(items.merchantItemId, "ANVIL")));
        expect((anvil!.cf as Record<string, string>).oapProductid).toBe("Acme Anvil");
      }),
      { numRuns: runs(RUNS) },
    );
  }, runs(120_000));

  it("item create: hostile editor input is a field error, a clash message or a stored item — never a database error", async () => {
    const field = fc.constantFrom("merchantItemId", "description", "price", "kind", "frequency", "oapProductid", "cfName_1", "cfValue_1");
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, nasty, { maxKeys: 8 }), fc.constantFrom(...demoItemIds, "NEW"), async (over, baseId) => {
        const parsed = itemSchema.safeParse({ merchantItemId: `${baseId}-${++n}`, price: "1.00", kind: "standard", ...over });
        if (!parsed.success) return;
        const { fields, errors } = customFieldsOf(parsed.data as unknown as Record<string, string>, parsed.data.oapProductid);
        if (Object.keys(errors).length) return;
        const before = await t.db.$count(items);
        try {
          const input = parsed.data;
          const row = await createItem(t.db, {
            merchantId: "DEMO",
            actorId: null,
            input: { merchantItemId: input.merchantItemId, description: input.description, priceCents: input.price, kind: input.kind, frequency: input.frequency === "" ? null : input.frequency, inactive: false, customFields: fields },
          });
          expect(row.merchantId).toBe("DEMO");
          expect(await t.db.$count(items)).toBe(before + 1);
        } catch (e) {
          if (!isClearUserError(e)) throw e;
          expect(await t.db.$count(items)).toBe(before);
        }
      }),
      { numRuns: runs(RUNS) },
    );
  }, runs(120_000));

  it("log query: whatever passes the schema runs as a query (no database error on text, dates or cursors)", async () => {
    const key = fc.constantFrom("type", "status", "from", "to", "q", "cursor", "dir", "seen");
    const dateish = fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom("2026-11-25", "-271821-04-20T00:00:00Z", "+275760-09-13T00:00:00Z", "0", "2026-02-31"));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.oneof(nasty, dateish), { maxKeys: 6 }), async (params) => {
        const r = logQuerySchema.safeParse(params);
        if (!r.success) return;
        const q = r.data;
        const page = await listTransmissions(t.db, { merchantId: "ACME", type: q.type, status: q.status, ...rangeOf(q), q: q.q, cursor: q.cursor, direction: q.dir, seenNewest: q.seen });
        for (const row of page.rows) expect(row.id).toBeTruthy();
        expect(await t.db.$count(transmissions, eq(transmissions.merchantId, "DEMO"))).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: runs(RUNS) },
    );
  }, runs(120_000));
});
