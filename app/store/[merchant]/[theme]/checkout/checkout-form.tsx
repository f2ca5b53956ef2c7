"use client";

import { useActionState, useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage, TextField } from "@/components/ui/field";
import type { ActionState } from "@/lib/actions";
import { checkout } from "../actions";

const CHOICES = [
  { value: "card", label: "Credit card", help: "Charged now." },
  { value: "echeck", label: "eCheck", help: "Your order ships once the eCheck clears." },
  { value: "purchase_order", label: "Purchase order", help: "We send an invoice; your order ships once it is paid." },
  { value: "quote", label: "Request a quote", help: "Nothing is charged; we send you a quote." },
] as const;

export function CheckoutForm({ merchant, theme, checkoutKey, hasRecurring, cartEmpty }: { merchant: string; theme: string; checkoutKey: string; hasRecurring: boolean; cartEmpty: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(checkout, {});
  const v = state.values ?? {};
  const f = state.fieldErrors ?? {};
  const [choice, setChoice] = useState<string>(v.paymentChoice ?? "card");
  const receiptPath = (state.data as { receiptPath?: string } | undefined)?.receiptPath;
  useEffect(() => {
    // A full page load, not a router transition, so the receipt (and its pixel) renders once.
    if (receiptPath) window.location.assign(receiptPath);
  }, [receiptPath]);
  if (receiptPath) {
    return (
      <p role="status" className="text-sm text-zinc-700">
        Order placed. Opening your receipt…{" "}
        <a className="font-medium text-accent-600 hover:underline" href={receiptPath}>
          Open the receipt
        </a>
      </p>
    );
  }
  if (cartEmpty) {
    return (
      <p className="text-sm text-zinc-600">
        Your cart is empty.{" "}
        <a className="font-medium text-accent-600 hover:underline" href={`/store/${merchant}/${theme}`}>
          Continue shopping
        </a>
      </p>
    );
  }
  return (
    <form action={formAction} noValidate className="space-y-5">
      <input type="hidden" name="merchant" value={merchant} />
      <input type="hidden" name="theme" value={theme} />
      <input type="hidden" name="checkoutKey" value={checkoutKey} />
      <FormMessage error={state.error && !f.cardNumber ? state.error : undefined} />
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-base font-semibold">Billing details</legend>
        <TextField label="First name" name="firstName" autoComplete="given-name" defaultValue={v.firstName} error={f.firstName} required />
        <TextField label="Last name" name="lastName" autoComplete="family-name" defaultValue={v.lastName} error={f.lastName} required />
        <TextField label="Email" name="email" type="email" autoComplete="email" defaultValue={v.email} error={f.email} required className="sm:col-span-2" help="Your receipt link is shown after you order." />
        <TextField label="Address" name="address1" autoComplete="address-line1" defaultValue={v.address1} error={f.address1} required className="sm:col-span-2" />
        <TextField label="City" name="city" autoComplete="address-level2" defaultValue={v.city} error={f.city} required />
        <TextField label="State" name="stateRegion" autoComplete="address-level1" defaultValue={v.stateRegion} error={f.stateRegion} required />
        <TextField label="Postal code" name="postalCode" autoComplete="postal-code" defaultValue={v.postalCode} error={f.postalCode} required />
        <TextField label="Country" name="countryCode" autoComplete="country" defaultValue={v.countryCode ?? "US"} error={f.countryCode} help="Two letters, like US." required />
        <TextField label="Phone" name="dayPhone" type="tel" autoComplete="tel" defaultValue={v.dayPhone} error={f.dayPhone} className="sm:col-span-2" />
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="mb-2 text-base font-semibold">Payment</legend>
        {hasRecurring && <p className="text-sm text-zinc-600">Your cart holds a subscription: it is renewed on the card you use now.</p>}
        <div className="grid gap-2 sm:grid-cols-2">
          {CHOICES.map((c) => (
            <label key={c.value} className="flex cursor-pointer items-start gap-2 rounded-md border border-zinc-200 p-3 text-sm has-[:checked]:border-accent-500 has-[:checked]:bg-accent-50">
              <input type="radio" name="paymentChoice" value={c.value} checked={choice === c.value} onChange={() => setChoice(c.value)} className="mt-0.5" />
              <span>
                <span className="block font-medium">{c.label}</span>
                <span className="block text-xs text-zinc-600">{c.help}</span>
              </span>
            </label>
          ))}
        </div>
        {f.paymentChoice && (
          <p role="alert" className="text-xs font-medium text-red-700">
            {f.paymentChoice}
          </p>
        )}
        {choice === "card" && (
          <TextField label="Card number" name="cardNumber" inputMode="numeric" autoComplete="cc-number" error={f.cardNumber} placeholder="4111 1111 1111 1111" className="max-w-sm pt-2" help="Test cards: 4111 1111 1111 1111 approved, 4000 0000 0000 0002 declined, 4000 0000 0000 0259 payment review." />
        )}
      </fieldset>
      <Button type="submit" pending={pending || Boolean(receiptPath)} className="w-full sm:w-auto">
        {choice === "quote" ? "Request a quote" : "Place order"}
      </Button>
    </form>
  );
}
