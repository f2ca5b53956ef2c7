import { sql } from "drizzle-orm";
import { bigserial, boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

/** A merchant is a tenant. Its id is the short code merchants see (`DEMO`), used in order ids and ONTRAPORT payloads. */
export const merchants = pgTable("merchants", {
  id: text().primaryKey(),
  name: text().notNull(),
  currency: text().notNull().default("USD"),
  /** Next order sequence number; taken with UPDATE ... RETURNING so concurrent checkouts never share one. */
  nextOrderSeq: integer().notNull().default(1),
  /** Whether support users may issue refunds (admins always may). */
  supportMayRefund: boolean().notNull().default(false),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const userRole = pgEnum("user_role", ["admin", "support"]);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    role: userRole().notNull(),
    disabledAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("users_email_uq").on(sql`lower(${t.email})`), index("users_merchant_idx").on(t.merchantId)],
);

/**
 * Server-side record of each sign-in, so signing out (or disabling a user) ends the session at once
 * even though next-auth's JWT cookie could be re-sent by a request already in flight.
 */
export const userSessions = pgTable(
  "user_sessions",
  {
    id: text().primaryKey(),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("user_sessions_user_idx").on(t.userId)],
);

/** Failed sign-ins per e-mail address, for throttling. */
export const loginThrottle = pgTable("login_throttle", {
  key: text().primaryKey(),
  failures: integer().notNull().default(0),
  windowStartedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  lockedUntil: timestamp({ withTimezone: true }),
});

/** Who changed what, for merchants' own review. Never holds secrets. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    merchantId: text()
      .notNull()
      .references(() => merchants.id),
    userId: uuid().references(() => users.id),
    /** e.g. `user.created`, `ontraport.method_changed`, `item.updated` */
    action: text().notNull(),
    /** What it was done to, in words (`admin@demo.test`, `Item SHIRT-RED`). */
    target: text().notNull().default(""),
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("audit_merchant_at_idx").on(t.merchantId, t.at.desc(), t.id.desc()), index("audit_merchant_action_idx").on(t.merchantId, t.action)],
);
