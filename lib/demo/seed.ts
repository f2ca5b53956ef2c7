import { randomBytes } from "node:crypto";
import { TEST_CARDS, tokenizeCard } from "@/lib/store/payments";
import { eq } from "drizzle-orm";
import type { Db } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { affiliates, autoOrders, items, merchants, orderLines, orders, orderStageHistory, refundLines, refunds, themes, users, ORDER_STAGES } from "@/lib/db/schema";
import { mulDivRoundHalfUp } from "@/lib/money";
import { newReceiptToken } from "@/lib/orders/create";

export const DEMO_LOGINS = [
  { merchantId: "DEMO", email: "admin@demo.test", password: "demo-admin-pass", role: "admin", name: "Dana Admin" },
  { merchantId: "DEMO", email: "support@demo.test", password: "demo-support-pass", role: "support", name: "Sam Support" },
  { merchantId: "ACME", email: "admin@acme.test", password: "acme-admin-pass", role: "admin", name: "Avery Acme" },
] as const;

/** A small deterministic PRNG so every fresh demo looks the same. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ITEMS: Array<{ id: string; description: string; price: number; kind?: "recurring" | "preorder"; frequency?: "Monthly" | "Yearly"; oap?: string; tags?: string }> = [
  { id: "SHIRT-RED", description: "Red cotton shirt", price: 1995, oap: "Red Shirt", tags: "Apparel" },
  { id: "SHIRT-RED-COPY", description: "Red cotton shirt (copy)", price: 1995, oap: "Red Shirt" },
  { id: "SHIRT-BLUE", description: "Blue cotton shirt", price: 1995, oap: "Blue Shirt", tags: "Apparel" },
  { id: "MUG-CLASSIC", description: "Classic mug", price: 1250 },
  { id: "MUG-TRAVEL", description: "Travel mug", price: 2400, oap: "Travel Mug" },
  { id: "CAP-BLACK", description: "Black cap", price: 1800 },
  { id: "HOODIE-GREY", description: "Grey hoodie", price: 4900, oap: "Hoodie" },
  { id: "SOCKS-3PK", description: "Socks, pack of three", price: 1500 },
  { id: "TOTE-CANVAS", description: "Canvas tote bag", price: 2200 },
  { id: "NOTEBOOK-A5", description: "A5 dotted notebook", price: 1400, oap: "Notebook" },
  { id: "PEN-STEEL", description: "Steel pen", price: 3500 },
  { id: "STICKERS", description: "Sticker sheet", price: 500 },
  { id: "POSTER-A2", description: "A2 poster", price: 2800 },
  { id: "EBOOK-GUIDE", description: "The merchant's guide (e-book)", price: 1900, oap: "Merchant Guide" },
  { id: "COURSE-INTRO", description: "Intro video course", price: 9900, oap: "Intro Course", tags: "Course buyer, Onboarding" },
  { id: "GIFT-CARD-25", description: "Gift card, $25", price: 2500 },
  { id: "BUNDLE-STARTER", description: "Starter bundle", price: 5900 },
  { id: "COFFEE-BEANS", description: "Coffee beans, 1 kg", price: 3200 },
  { id: "CLUB-MONTHLY", description: "Coffee club, monthly", price: 2900, kind: "recurring", frequency: "Monthly", oap: "Coffee Club" },
  { id: "MEMBER-YEARLY", description: "Membership, yearly", price: 9900, kind: "recurring", frequency: "Yearly", oap: "Membership" },
  { id: "LAMP-2027", description: "Desk lamp (ships in 2027)", price: 7900, kind: "preorder" },
];

const FIRST = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Radia", "Dennis", "Barbara", "Ken", "Frances", "Edsger", "Hedy"];
const LAST = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Perlman", "Ritchie", "Liskov", "Thompson", "Allen", "Dijkstra", "Lamarr"];
const CITIES: Array<[string, string, string, string]> = [
  ["Springfield", "IL", "62701", "US"],
  ["Austin", "TX", "73301", "US"],
  ["London", "LND", "SW1Y 4LB", "GB"],
  ["Portland", "OR", "97201", "US"],
  ["Toronto", "ON", "M5H 2N2", "CA"],
];

type Stage = (typeof ORDER_STAGES)[number];

/** Which stages demo orders land in, weighted so every stage appears and most are paid. */
const STAGE_PLAN: Array<[Stage, number]> = [
  ["Completed Order", 70],
  ["Shipping Department", 50],
  ["Accounts Receivable", 12],
  ["Pending Clearance", 12],
  ["Fraud Review", 10],
  ["Rejected", 6],
  ["Quote Request", 8],
  ["Quote Sent", 6],
  ["Pre-ordered", 8],
  ["Hold", 6],
];

function paymentFor(stage: Stage): { method: (typeof orders.$inferInsert)["paymentMethod"]; status: (typeof orders.$inferInsert)["paymentStatus"] } {
  switch (stage) {
    case "Accounts Receivable":
      return { method: "Purchase Order", status: "Unprocessed" };
    case "Pending Clearance":
      return { method: "eCheck", status: "Authorized" };
    case "Quote Request":
    case "Quote Sent":
      return { method: "Quote Request", status: "Unprocessed" };
    case "Fraud Review":
    case "Hold":
    case "Pre-ordered":
      return { method: "Credit Card", status: "Authorized" };
    case "Rejected":
      return { method: "Credit Card", status: "Voided" };
    default:
      return { method: "Credit Card", status: "Processed" };
  }
}

export interface SeedDemoOptions {
  /** Roughly how many DEMO orders to create (about 200 when left out). */
  orderCount?: number;
}

/**
 * Creates the demo data on an empty database; does nothing when merchant DEMO already exists,
 * so running the demo again keeps what is there. Returns whether it seeded.
 */
export async function seedDemo(db: Db, opts: SeedDemoOptions = {}): Promise<boolean> {
  const [existing] = await db.select({ id: merchants.id }).from(merchants).where(eq(merchants.id, "DEMO"));
  if (existing) return false;
  const rand = prng(42);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const hashes = await Promise.all(DEMO_LOGINS.map((l) => hashPassword(l.password)));

  await db.transaction(async (tx) => {
    await tx.insert(merchants).values([
      { id: "DEMO", name: "Demo Outfitters" },
      { id: "ACME", name: "Acme Supplies" },
    ]);
    await tx.insert(users).values(DEMO_LOGINS.map((l, i) => ({ merchantId: l.merchantId, email: l.email, name: l.name, role: l.role, passwordHash: hashes[i]! })));
    await tx.insert(themes).values([
      { merchantId: "DEMO", code: "DEFAULT", name: "Default" },
      { merchantId: "DEMO", code: "HOLIDAY", name: "Holiday" },
      { merchantId: "ACME", code: "DEFAULT", name: "Default" },
    ]);
    const itemRows = await tx
      .insert(items)
      .values(
        ITEMS.map((it) => ({
          merchantId: "DEMO",
          merchantItemId: it.id,
          description: it.description,
          priceCents: it.price,
          kind: it.kind ?? ("standard" as const),
          frequency: it.frequency ?? null,
          customFields: { ...(it.oap ? { oapProductid: it.oap } : {}), ...(it.tags ? { oapTags: it.tags } : {}) } as Record<string, string>,
        })),
      )
      .returning();
    await tx.insert(items).values([
      { merchantId: "ACME", merchantItemId: "ANVIL", description: "Anvil, 50 kg", priceCents: 19900, customFields: { oapProductid: "Acme Anvil" } },
      { merchantId: "ACME", merchantItemId: "ROCKET-SKATES", description: "Rocket skates", priceCents: 49900 },
    ]);
    const affs = await tx
      .insert(affiliates)
      .values([
        { merchantId: "DEMO", name: "Pat Partner", email: "pat@partners.test", approved: true, approvedAt: new Date() },
        { merchantId: "DEMO", name: "Blog Reviews Ltd", email: "hello@blogreviews.test", approved: true, approvedAt: new Date() },
        { merchantId: "DEMO", name: "New Signup", email: "newbie@partners.test", approved: false },
      ])
      .returning();
    await tx.insert(affiliates).values({ merchantId: "ACME", name: "Road Runner Fans", email: "beep@acme.test", approved: true, approvedAt: new Date() });

    const regularItems = itemRows.filter((i) => i.kind === "standard");
    const plan = STAGE_PLAN.flatMap(([stage, n]) => Array.from({ length: Math.round((n * (opts.orderCount ?? 200)) / 188) }, () => stage));
    const now = Date.now();
    const orderValues: (typeof orders.$inferInsert)[] = [];
    const lineValues: (typeof orderLines.$inferInsert)[] = [];
    const historyValues: (typeof orderStageHistory.$inferInsert)[] = [];
    const paidOrders: Array<{ id: string; lines: (typeof orderLines.$inferInsert)[]; subtotal: number; tax: number; ship: number; createdAt: Date }> = [];
    let seq = 1;
    for (const stage of plan) {
      const id = `DEMO-${String(seq).padStart(7, "0")}`;
      seq += 1;
      const createdAt = new Date(now - Math.floor(rand() * 60 * 24 * 3600_000));
      const first = pick(FIRST);
      const last = pick(LAST);
      const [city, state, zip, country] = pick(CITIES);
      const lineCount = 1 + Math.floor(rand() * 3);
      const lines: (typeof orderLines.$inferInsert)[] = [];
      const pool = stage === "Pre-ordered" ? itemRows.filter((i) => i.kind === "preorder") : regularItems;
      for (let n = 0; n < lineCount; n++) {
        const it = pool[(Math.floor(rand() * pool.length) + n) % pool.length]!;
        if (lines.some((l) => l.itemId === it.id)) continue;
        const quantity = 1 + Math.floor(rand() * 3);
        lines.push({ orderId: id, merchantId: "DEMO", lineNo: lines.length + 1, itemId: it.id, merchantItemId: it.merchantItemId, description: it.description, quantity, unitPriceCents: it.priceCents, totalCents: it.priceCents * quantity });
      }
      const subtotal = lines.reduce((s, l) => s + l.totalCents, 0);
      const tax = Math.round(subtotal * 0.08);
      const ship = 500 + Math.floor(rand() * 4) * 250;
      const { method, status } = paymentFor(stage);
      const affiliate = rand() < 0.2 ? pick(affs.filter((a) => a.approved)) : undefined;
      orderValues.push({
        id,
        merchantId: "DEMO",
        currentStage: stage,
        paymentStatus: status,
        paymentMethod: method,
        themeCode: rand() < 0.25 ? "HOLIDAY" : "DEFAULT",
        affiliateId: affiliate?.id ?? null,
        firstName: first,
        lastName: last,
        address1: `${100 + Math.floor(rand() * 900)} Main St`,
        city,
        stateRegion: state,
        postalCode: zip,
        countryCode: country,
        email: `${first}.${last}.${seq}@example.com`.toLowerCase(),
        dayPhone: "+1 555 0100",
        shipToFirstName: first,
        shipToLastName: last,
        shipToAddress1: `${100 + Math.floor(rand() * 900)} Main St`,
        shipToCity: city,
        shipToStateRegion: state,
        shipToPostalCode: zip,
        shipToCountryCode: country,
        shippingMethod: "Ground",
        subtotalCents: subtotal,
        taxCents: tax,
        shippingHandlingCents: ship,
        totalCents: subtotal + tax + ship,
        cardLast4: method === "Credit Card" ? "1111" : null,
        receiptToken: newReceiptToken(),
        paidAt: status === "Processed" ? createdAt : null,
        createdAt,
        updatedAt: createdAt,
      });
      lineValues.push(...lines);
      const initial: Stage = stage === "Completed Order" ? "Shipping Department" : stage === "Rejected" ? "Fraud Review" : stage === "Quote Sent" ? "Quote Request" : stage;
      historyValues.push({ orderId: id, merchantId: "DEMO", fromStage: null, toStage: initial, at: createdAt, byLabel: "Shopper" });
      if (initial !== stage) historyValues.push({ orderId: id, merchantId: "DEMO", fromStage: initial, toStage: stage, at: new Date(createdAt.getTime() + 86_400_000), byLabel: "admin@demo.test" });
      if (status === "Processed") paidOrders.push({ id, lines, subtotal, tax, ship, createdAt });
    }
    // In chunks: one statement may bind at most 65,535 parameters (about 1,900 orders).
    for (let i = 0; i < orderValues.length; i += 500) await tx.insert(orders).values(orderValues.slice(i, i + 500));
    for (let i = 0; i < lineValues.length; i += 1000) await tx.insert(orderLines).values(lineValues.slice(i, i + 1000));
    for (let i = 0; i < historyValues.length; i += 1000) await tx.insert(orderStageHistory).values(historyValues.slice(i, i + 1000));
    await tx.update(merchants).set({ nextOrderSeq: seq }).where(eq(merchants.id, "DEMO"));

    // Some refunds: a few full, a few partial (first line, one unit).
    const lineRows = await tx.select().from(orderLines).where(eq(orderLines.merchantId, "DEMO"));
    let refundNo = 5500;
    for (const [i, o] of paidOrders.filter((_, i) => i % 12 === 3).entries()) {
      const full = i % 3 === 0;
      const ls = lineRows.filter((l) => l.orderId === o.id);
      const chosen = full ? ls : ls.slice(0, 1).map((l) => ({ ...l, quantity: 1, totalCents: l.unitPriceCents }));
      const merch = chosen.reduce((s, l) => s + l.totalCents, 0);
      const tax = full ? o.tax : mulDivRoundHalfUp(o.tax, merch, o.subtotal);
      const ship = full ? o.ship : 0;
      const [refund] = await tx
        .insert(refunds)
        .values({ code: `R-${refundNo++}`, orderId: o.id, merchantId: "DEMO", full, reason: full ? "Customer changed their mind" : "Damaged", merchandiseCents: merch, taxCents: tax, shippingHandlingCents: ship, amountCents: merch + tax + ship, createdAt: new Date(o.createdAt.getTime() + 3 * 86_400_000) })
        .returning();
      await tx.insert(refundLines).values(chosen.map((l) => ({ refundId: refund!.id, orderLineId: l.id, quantity: l.quantity, totalCents: l.totalCents })));
      for (const l of chosen) {
        const orig = ls.find((x) => x.id === l.id)!;
        await tx.update(orderLines).set({ quantityRefunded: l.quantity, totalRefundedCents: l.totalCents }).where(eq(orderLines.id, orig.id));
      }
      await tx
        .update(orders)
        .set({ subtotalRefundedCents: merch, taxRefundedCents: tax, shippingHandlingRefundedCents: ship, totalRefundedCents: merch + tax + ship, paymentStatus: full ? "Refunded" : "Processed" })
        .where(eq(orders.id, o.id));
    }

    // Auto orders: a few subscriptions from recurring items, in different states.
    const recurring = itemRows.filter((i) => i.kind === "recurring");
    const aoStates = ["active", "active", "card declined", "cancelled", "terminated"] as const;
    for (const [i, status] of aoStates.entries()) {
      const item = recurring[i % recurring.length]!;
      const id = `DEMO-${String(seq).padStart(7, "0")}`;
      seq += 1;
      const createdAt = new Date(now - (40 + i * 10) * 86_400_000);
      const first = FIRST[i]!;
      const last = LAST[i]!;
      const tax = Math.round(item.priceCents * 0.08);
      await tx.insert(orders).values({
        id,
        merchantId: "DEMO",
        currentStage: "Completed Order",
        paymentStatus: "Processed",
        paymentMethod: "Credit Card",
        themeCode: "DEFAULT",
        firstName: first,
        lastName: last,
        email: `${first}.${last}.sub@example.com`.toLowerCase(),
        address1: "1 Subscription Way",
        city: "Austin",
        stateRegion: "TX",
        postalCode: "73301",
        countryCode: "US",
        subtotalCents: item.priceCents,
        taxCents: tax,
        totalCents: item.priceCents + tax,
        cardLast4: status === "active" ? "1111" : "0002",
        receiptToken: newReceiptToken(),
        paidAt: createdAt,
        createdAt,
        updatedAt: createdAt,
      });
      await tx.insert(orderLines).values({ orderId: id, merchantId: "DEMO", lineNo: 1, itemId: item.id, merchantItemId: item.merchantItemId, description: item.description, quantity: 1, unitPriceCents: item.priceCents, totalCents: item.priceCents, frequency: item.frequency });
      await tx.insert(orderStageHistory).values({ orderId: id, merchantId: "DEMO", toStage: "Completed Order", at: createdAt, byLabel: "Shopper" });
      const ended = status === "cancelled" || status === "terminated";
      await tx.insert(autoOrders).values({
        code: `AO-${randomBytes(3).toString("hex").toUpperCase().slice(0, 5)}`,
        merchantId: "DEMO",
        originalOrderId: id,
        status,
        itemId: item.id,
        merchantItemId: item.merchantItemId,
        unitPriceCents: item.priceCents,
        frequency: item.frequency!,
        nextAttemptAt: ended ? null : new Date(now + (3 + i) * 86_400_000),
        failureReason: status === "card declined" ? "Card declined by issuer" : null,
        creditCardAttempt: status === "card declined" ? 1 : status === "terminated" ? 3 : 0,
        cardToken: tokenizeCard(status === "active" ? TEST_CARDS.approved : TEST_CARDS.declined).token,
        cardLast4: status === "active" ? "1111" : "0002",
        canceledAt: status === "cancelled" ? new Date(now - 5 * 86_400_000) : null,
        canceledByUser: status === "cancelled",
        cancelReason: status === "cancelled" ? "Customer request" : null,
        disabledAt: status === "terminated" ? new Date(now - 2 * 86_400_000) : null,
        createdAt,
      });
    }
    await tx.update(merchants).set({ nextOrderSeq: seq }).where(eq(merchants.id, "DEMO"));
  });
  return true;
}
