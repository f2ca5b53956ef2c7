"use client";

import { useActionState, useEffect } from "react";
import { useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { ErrorSummary } from "@/components/ui/error-summary";
import { TextField } from "@/components/ui/field";
import type { ActionState } from "@/lib/actions";
import { lazyZodResolver, useBrowserCheck } from "@/components/ui/browser-check";
import { checkout } from "../actions";


const CHOICES = [
  { value: "card", label: "Credit card", help: "Charged now." },
  { value: "echeck", label: "eCheck", help: "Your order ships once the eCheck clears." },
  { value: "purchase_order", label: "Purchase order", help: "We send an invoice; your order ships once it is paid." },
  { value: "quote", label: "Request a quote", help: "Nothing is charged; we send you a quote." },
] as const;

// The server's schema, loaded on the first submit (keeps zod out of the page's first load).
const checkoutResolver = lazyZodResolver(() => import("@/lib/store/checkout-schema").then((m) => m.checkoutSchema));

/**
 * The StoreFront checkout. On submit the browser checks the fields with the server's own zod schema
 * (lib/store/checkout-schema.ts) and focuses the first invalid one; a valid form goes to the checkout
 * server action, which checks again. Errors show in one ErrorSummary; the typing stays.
 */
export function CheckoutForm({ merchant, theme, checkoutKey, hasRecurring, cartEmpty }: { merchant: string; theme: string; checkoutKey: string; hasRecurring: boolean; cartEmpty: boolean }) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(checkout, {});
  const v = state.values ?? {};
  const form = useForm({
    resolver: checkoutResolver,
    defaultValues: {
      merchant,
      theme,
      checkoutKey,
      firstName: v.firstName ?? "",
      lastName: v.lastName ?? "",
      email: v.email ?? "",
      address1: v.address1 ?? "",
      city: v.city ?? "",
      stateRegion: v.stateRegion ?? "",
      postalCode: v.postalCode ?? "",
      countryCode: v.countryCode ?? "US",
      dayPhone: v.dayPhone ?? "",
      paymentChoice: (CHOICES.find((c) => c.value === v.paymentChoice)?.value ?? "card") as (typeof CHOICES)[number]["value"],
      cardNumber: "",
    },
    shouldFocusError: true,
  });
  const { register, formState } = form;
  const choice = useWatch({ control: form.control, name: "paymentChoice" });
  // The browser checks first (focusing the first invalid field); a valid form goes to the server action.
  const { submit, errors: f, refusedInBrowser } = useBrowserCheck({ handleSubmit: form.handleSubmit, browserErrors: formState.errors, formAction, pending, state });
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
    <form action={formAction} onSubmit={submit} noValidate className="space-y-5">
      <input type="hidden" name="merchant" value={merchant} />
      <input type="hidden" name="theme" value={theme} />
      <input type="hidden" name="checkoutKey" value={checkoutKey} />
      <ErrorSummary error={refusedInBrowser || pending ? undefined : state.error} fieldErrors={f} takeFocus={!refusedInBrowser} answer={state} />
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 text-base font-semibold">Billing details</legend>
        <TextField label="First name" {...register("firstName")} autoComplete="given-name" error={f.firstName} required />
        <TextField label="Last name" {...register("lastName")} autoComplete="family-name" error={f.lastName} required />
        <TextField label="Email" {...register("email")} type="email" autoComplete="email" error={f.email} required className="sm:col-span-2" help="Your receipt link is shown after you order." />
        <TextField label="Address" {...register("address1")} autoComplete="address-line1" error={f.address1} required className="sm:col-span-2" />
        <TextField label="City" {...register("city")} autoComplete="address-level2" error={f.city} required />
        <TextField label="State" {...register("stateRegion")} autoComplete="address-level1" error={f.stateRegion} required />
        <TextField label="Postal code" {...register("postalCode")} autoComplete="postal-code" error={f.postalCode} required />
        <TextField label="Country" {...register("countryCode")} autoComplete="country" error={f.countryCode} help="Two letters, like US." required />
        <TextField label="Phone" {...register("dayPhone")} type="tel" autoComplete="tel" error={f.dayPhone} className="sm:col-span-2" />
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="mb-2 text-base font-semibold">Payment</legend>
        {hasRecurring && <p className="text-sm text-zinc-600">Your cart holds a subscription: it is renewed on the card you use now.</p>}
        <div className="grid gap-2 sm:grid-cols-2">
          {CHOICES.map((c) => (
            <label key={c.value} className="flex cursor-pointer items-start gap-2 rounded-md border border-zinc-200 p-3 text-sm has-[:checked]:border-accent-500 has-[:checked]:bg-accent-50">
              <input type="radio" {...register("paymentChoice")} value={c.value} aria-describedby={f.paymentChoice ? "paymentChoice-error" : undefined} className="mt-0.5" />
              <span>
                <span className="block font-medium">{c.label}</span>
                <span className="block text-xs text-zinc-600">{c.help}</span>
              </span>
            </label>
          ))}
        </div>
        {f.paymentChoice && (
          <p id="paymentChoice-error" className="text-xs font-medium text-red-700">
            {f.paymentChoice}
          </p>
        )}
        {choice === "card" && (
          <TextField label="Card number" {...register("cardNumber")} inputMode="numeric" autoComplete="cc-number" error={f.cardNumber} placeholder="4111 1111 1111 1111" className="max-w-sm pt-2" help="Test cards: 4111 1111 1111 1111 approved, 4000 0000 0000 0002 declined, 4000 0000 0000 0259 payment review." />
        )}
      </fieldset>
      <Button type="submit" pending={pending || Boolean(receiptPath)} className="w-full sm:w-auto">
        {choice === "quote" ? "Request a quote" : "Place order"}
      </Button>
    </form>
  );
}
