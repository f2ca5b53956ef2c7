"use server";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { publicAction, type ActionState } from "@/lib/actions";
import { UserError } from "@/lib/errors";
import { addToCart, cartCookieName, parseCart, serializeCart, setQuantity } from "@/lib/store/cart";
import { affiliateCookieName, parseAffiliateCookie } from "@/lib/store/affiliate";
import { findStoreFront } from "@/lib/store/catalog";
import { placeOrderLimited } from "@/lib/orders/checkout";
import { clientAddress } from "@/lib/security/limits";
import { checkoutSchema } from "@/lib/store/checkout-schema";
import { plainId, STORE_CODE } from "@/lib/validation";

// Shopper actions: anonymous by design (the StoreFront has no login), so they go through publicAction
// (zod, errors as values, no session) rather than formAction.

const code = z.string().regex(STORE_CODE);
const cartSchema = z.object({
  merchant: code,
  theme: code,
  itemId: plainId(64, "That item is not in this store."),
  quantity: z.coerce.number().int().min(0).max(99).optional(),
  mode: z.enum(["add", "set"]).default("add"),
});

async function writeCart(merchant: string, update: (c: ReturnType<typeof parseCart>) => ReturnType<typeof parseCart>) {
  const jar = await cookies();
  const next = update(parseCart(jar.get(cartCookieName(merchant))?.value));
  jar.set(cartCookieName(merchant), serializeCart(next), { httpOnly: true, sameSite: "lax", path: `/store/${merchant}`, maxAge: 14 * 24 * 3600 });
  return next;
}

/** The cart's own forms (quantity, remove): a malformed form or an unknown StoreFront changes nothing. */
export const updateCart = publicAction(
  {
    schema: cartSchema,
    answer: false,
    why: "shoppers have no login; it only edits the caller's own cart cookie (Item IDs and quantities, prices come from the database)",
    unexpected: "The cart could not be changed.",
    logAs: "cart update failed",
  },
  async ({ merchant, theme, itemId, quantity, mode }, { db }) => {
    if (!(await findStoreFront(db, merchant, theme))) return;
    await writeCart(merchant, (c) => (mode === "add" ? addToCart(c, itemId, quantity ?? 1) : setQuantity(c, itemId, quantity ?? 0)));
  },
);

/** What Add to cart tells the shopper: the cart's new count (the button says "Added" and a live region says it). */
export interface AddToCartState {
  ok?: boolean;
  error?: string;
  /** Units in the cart after the add. */
  count?: number;
  /** When it was added (ms): tells one add from the next. */
  at?: number;
}

const addSchema = cartSchema.extend({ mode: z.literal("add").default("add") });
const ADD_FAILED = "That item could not be added. Refresh the page and try again.";

/** Add to cart as a form action with an answer (the catalog's buttons); updateCart stays for the cart's own forms. */
export const addToCartAction = publicAction<typeof addSchema, AddToCartState>(
  {
    schema: addSchema,
    why: "shoppers have no login; like updateCart it only adds an Item ID to the caller's own cart cookie (validated with zod), and answers with the cart's unit count",
    invalid: () => ({ error: ADD_FAILED }),
    unexpected: ADD_FAILED,
    logAs: "add to cart failed",
  },
  async ({ merchant, theme, itemId, quantity }, { db }) => {
    if (!(await findStoreFront(db, merchant, theme))) return { error: ADD_FAILED };
    const next = await writeCart(merchant, (c) => addToCart(c, itemId, quantity ?? 1));
    return { ok: true, count: next.reduce((s, l) => s + l.quantity, 0), at: Date.now() };
  },
);

export const checkout = publicAction<typeof checkoutSchema, ActionState>(
  {
    schema: checkoutSchema,
    why: "shoppers have no login; it places an order from the caller's own cart, validated with zod, idempotent per checkout key",
    echo: { omit: ["cardNumber"] },
    invalid: (fieldErrors, values) => ({ error: fieldErrors._form ?? fieldErrors.checkoutKey ?? "Some fields need attention.", fieldErrors, values }),
    unexpected: "We could not place your order and nothing was charged. Try again in a moment.",
    logAs: "checkout failed",
  },
  async ({ merchant, theme, checkoutKey, paymentChoice, cardNumber, ...billing }, { db }) => {
    const sf = await findStoreFront(db, merchant, theme);
    if (!sf) throw new UserError("This StoreFront does not exist.");
    const jar = await cookies();
    const { order } = await placeOrderLimited(db, {
      client: clientAddress(await headers()),
      merchantId: merchant,
      themeCode: theme,
      cart: parseCart(jar.get(cartCookieName(merchant))?.value),
      billing: { ...billing, dayPhone: billing.dayPhone ?? "" },
      choice: paymentChoice,
      cardNumber: paymentChoice === "card" ? cardNumber : undefined,
      checkoutKey,
      affiliate: parseAffiliateCookie(jar.get(affiliateCookieName(merchant))?.value),
    });
    jar.delete({ name: cartCookieName(merchant), path: `/store/${merchant}` });
    // The browser loads the receipt as a new document (see checkout-form.tsx), never as a client-side
    // transition: the receipt then renders, and the conversion pixel loads, exactly once.
    return { ok: true, message: "Order placed.", data: { receiptPath: `/store/${merchant}/${order.themeCode}/receipt/${order.receiptToken}` } };
  },
);
