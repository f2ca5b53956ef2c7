"use client";

import { useActionState, useEffect, useState } from "react";
import { Check, Loader2 } from "lucide-react";
import { addToCartAction, type AddToCartState } from "./actions";

/** How long the button says "Added" before it offers to add again. */
const ADDED_MS = 3000;

/**
 * A catalog item's Add to cart: "Adding…" while the server updates the cart, then "Added" for a few
 * seconds, and a polite live region tells screen readers the cart's new count. A plain form: without
 * JavaScript it still adds (the page re-renders).
 */
export function AddToCartButton({ merchant, theme, itemId, itemName }: { merchant: string; theme: string; itemId: string; itemName: string }) {
  const [state, formAction, pending] = useActionState<AddToCartState, FormData>(addToCartAction, {});
  // The `at` of the add whose "Added" has faded; the button says "Added" until then.
  const [faded, setFaded] = useState<number | undefined>(undefined);
  useEffect(() => {
    if (!state.ok || state.at === undefined) return;
    const at = state.at;
    const timer = setTimeout(() => setFaded(at), ADDED_MS);
    return () => clearTimeout(timer);
  }, [state]);
  const added = !pending && state.ok === true && state.at !== faded;
  const count = state.count ?? 0;
  return (
    <form action={formAction} className="mt-3">
      <input type="hidden" name="merchant" value={merchant} />
      <input type="hidden" name="theme" value={theme} />
      <input type="hidden" name="itemId" value={itemId} />
      <button
        type="submit"
        // aria-disabled, not disabled: the button keeps focus while the cart updates.
        aria-disabled={pending || undefined}
        onClick={(e) => {
          if (pending) e.preventDefault();
        }}
        className={
          added
            ? "inline-flex w-full items-center justify-center gap-1.5 rounded-md bg-emerald-700 px-3 py-2 text-sm font-medium text-white"
            : "inline-flex w-full items-center justify-center gap-1.5 rounded-md bg-accent-600 px-3 py-2 text-sm font-medium text-white hover:bg-accent-700 aria-disabled:cursor-wait aria-disabled:opacity-80"
        }
      >
        {pending ? (
          <>
            <Loader2 className="size-4 animate-spin" aria-hidden="true" />
            Adding…<span className="sr-only"> — add {itemId} to cart</span>
          </>
        ) : added ? (
          <>
            <Check className="size-4" aria-hidden="true" />
            Added<span className="sr-only"> — add {itemId} to cart again</span>
          </>
        ) : (
          // Named "Add SHIRT-RED to cart" with the visible words part of the name (no aria-label, which
          // would hide them from speech input).
          <>
            Add<span className="sr-only"> {itemId}</span> to cart
          </>
        )}
      </button>
      <p role="status" className="sr-only">
        {state.ok ? `Added ${itemName} to your cart. Your cart has ${count} ${count === 1 ? "item" : "items"}.` : (state.error ?? "")}
      </p>
      {state.error && <p className="mt-1 text-xs text-red-700">{state.error}</p>}
    </form>
  );
}
