import { randomBytes } from "node:crypto";
import type { PaymentMethod, Stage, PaymentStatus } from "./types";

/** The simulated test cards (no network is ever used for payments). */
export const TEST_CARDS = {
  approved: "4111111111111111",
  declined: "4000000000000002",
  fraudReview: "4000000000000259",
} as const;

/**
 * The simulated processor's card vault: cartlink keeps only the last four digits and this opaque
 * token, never the number. The processor decides from the token alone (the simulated gateway
 * declines the declined test card's tokens); a real processor would return its own token.
 */
export function tokenizeCard(cardNumber: string): { token: string; last4: string } {
  const digits = digitsOnly(cardNumber).replace(/\D/g, "");
  const random = randomBytes(18).toString("base64url");
  return { token: digits === TEST_CARDS.declined ? `tok_sim_dcl_${random}` : `tok_sim_${random}`, last4: digits.slice(-4) };
}

/** Charges a token of the simulated processor. No network. */
export function chargeToken(token: string): { approved: boolean } {
  return { approved: token.startsWith("tok_sim_") && !token.startsWith("tok_sim_dcl_") };
}

export type PaymentChoice = "card" | "echeck" | "purchase_order" | "quote";

export type PaymentOutcome =
  | { ok: true; stage: Stage; paymentStatus: PaymentStatus; paymentMethod: PaymentMethod; cardLast4: string | null }
  | { ok: false; field: "cardNumber" | "paymentChoice"; message: string };

export function digitsOnly(cardNumber: string): string {
  return cardNumber.replace(/[\s-]/g, "");
}

/** Luhn check, so a mistyped number is caught beside the field instead of "approved". */
export function luhnValid(digits: string): boolean {
  if (!/^\d{13,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Decides the stage an order starts in. Pure, so every rule is tested without a database.
 * Order of precedence: a declined card never creates an order; a quote request is never charged;
 * a card flagged for fraud review is held whatever the cart; a pre-order item waits in Pre-ordered;
 * then the payment method decides.
 */
export function simulatePayment(input: { choice: PaymentChoice; cardNumber?: string; hasPreorder: boolean; hasRecurring: boolean }): PaymentOutcome {
  const { choice, hasPreorder, hasRecurring } = input;
  if (hasRecurring && choice !== "card") {
    return { ok: false, field: "paymentChoice", message: "Subscriptions are charged to a card on file: choose Credit card to buy a subscription item." };
  }
  if (choice === "quote") return { ok: true, stage: "Quote Request", paymentStatus: "Unprocessed", paymentMethod: "Quote Request", cardLast4: null };
  if (choice === "card") {
    const digits = digitsOnly(input.cardNumber ?? "");
    if (!digits) return { ok: false, field: "cardNumber", message: "Enter the card number." };
    if (!luhnValid(digits)) return { ok: false, field: "cardNumber", message: "This card number is not valid. Check the digits and try again." };
    if (digits === TEST_CARDS.declined) {
      return { ok: false, field: "cardNumber", message: "Your card was declined. No order was placed and nothing was charged; use another card or payment method." };
    }
    const cardLast4 = digits.slice(-4);
    if (digits === TEST_CARDS.fraudReview) return { ok: true, stage: "Fraud Review", paymentStatus: "Authorized", paymentMethod: "Credit Card", cardLast4 };
    if (hasPreorder) return { ok: true, stage: "Pre-ordered", paymentStatus: "Authorized", paymentMethod: "Credit Card", cardLast4 };
    return { ok: true, stage: "Shipping Department", paymentStatus: "Processed", paymentMethod: "Credit Card", cardLast4 };
  }
  if (choice === "echeck") {
    return { ok: true, stage: hasPreorder ? "Pre-ordered" : "Pending Clearance", paymentStatus: "Authorized", paymentMethod: "eCheck", cardLast4: null };
  }
  return { ok: true, stage: hasPreorder ? "Pre-ordered" : "Accounts Receivable", paymentStatus: "Unprocessed", paymentMethod: "Purchase Order", cardLast4: null };
}
