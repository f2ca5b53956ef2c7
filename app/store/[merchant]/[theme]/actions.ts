"use server";

import { cookies, headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { fieldErrorsOf, type ActionState } from "@/lib/actions";
import { UserError } from "@/lib/errors";
import { addToCart, cartCookieName, parseCart, serializeCart, setQuantity } from "@/lib/store/cart";
import { affiliateCookieName, parseAffiliateCookie } from "@/lib/store/affiliate";
import { findStoreFront } from "@/lib/store/catalog";
import { placeOrderLimited } from "@/lib/orders/checkout";
import { clientAddress, TooManyAttempts } from "@/lib/security/limits";
import { checkoutSchema } from "@/lib/store/checkout-schema";
import { echoPrefix, plainId, STORE_CODE } from "@/lib/validation";
import { log } from "@/lib/log";

// Shopper actions: anonymous by design (the StoreFront has no login), so they do not go through
// formAction; they validate with zod the same way and return errors as values.

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

export async function updateCart(formData: FormData): Promise<void> {
  const parsed = cartSchema.safeParse(Object.fromEntries(formData.entries()));
  if (!parsed.success) return;
  const { merchant, theme, itemId, quantity, mode } = parsed.data;
  const db = await getDb();
  if (!(await findStoreFront(db, merchant, theme))) return;
  await writeCart(merchant, (c) => (mode === "add" ? addToCart(c, itemId, quantity ?? 1) : setQuantity(c, itemId, quantity ?? 0)));
}

/** What Add to cart tells the shopper: the cart's new count (the button says "Added" and a live region says it). */
export interface AddToCartState {
  ok?: boolean;
  error?: string;
  /** Units in the cart after the add. */
  count?: number;
  /** When it was added (ms): tells one add from the next. */
  at?: number;
}

/** Add to cart as a form action with an answer (the catalog's buttons); updateCart stays for the cart's own forms. */
export async function addToCartAction(_prev: AddToCartState, formData: FormData): Promise<AddToCartState> {
  const parsed = cartSchema.safeParse(Object.fromEntries(formData.entries()));
  const failed = { error: "That item could not be added. Refresh the page and try again." };
  if (!parsed.success || parsed.data.mode !== "add") return failed;
  const { merchant, theme, itemId, quantity } = parsed.data;
  const db = await getDb();
  if (!(await findStoreFront(db, merchant, theme))) return failed;
  const next = await writeCart(merchant, (c) => addToCart(c, itemId, quantity ?? 1));
  return { ok: true, count: next.reduce((s, l) => s + l.quantity, 0), at: Date.now() };
}

export async function checkout(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const values: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === "string" && !k.startsWith("$ACTION") && k !== "cardNumber") values[k.slice(0, 100)] = echoPrefix(v);
  const parsed = checkoutSchema.safeParse(Object.fromEntries(formData.entries()));
  if (!parsed.success) {
    const fieldErrors = fieldErrorsOf(parsed.error);
    return { error: fieldErrors._form ?? fieldErrors.checkoutKey ?? "Some fields need attention.", fieldErrors, values };
  }
  const { merchant, theme, checkoutKey, paymentChoice, cardNumber, ...billing } = parsed.data;
  let receiptPath: string;
  try {
    const db = await getDb();
    const sf = await findStoreFront(db, merchant, theme);
    if (!sf) return { error: "This StoreFront does not exist.", values };
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
    receiptPath = `/store/${merchant}/${order.themeCode}/receipt/${order.receiptToken}`;
  } catch (e) {
    if (e instanceof TooManyAttempts) return { error: e.message, values };
    if (e instanceof UserError) return { error: e.message, fieldErrors: e.field ? { [e.field]: e.message } : undefined, values };
    log("error", "checkout failed", { error: e instanceof Error ? e.message : String(e) });
    return { error: "We could not place your order and nothing was charged. Try again in a moment.", values };
  }
  // The browser loads the receipt as a new document (see checkout-form.tsx), never as a client-side
  // transition: the receipt then renders, and the conversion pixel loads, exactly once.
  return { ok: true, message: "Order placed.", data: { receiptPath } };
}
