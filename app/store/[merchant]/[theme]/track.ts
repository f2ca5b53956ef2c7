import { redirect } from "next/navigation";
import { affiliateFromParams } from "@/lib/store/affiliate";

type Search = Record<string, string | string[] | undefined>;

/** An affiliate link on any StoreFront page goes through ./ref, which sets the cookie and comes back. */
export function followAffiliateLink(path: string, merchant: string, theme: string, sp: Search): void {
  const ref = affiliateFromParams(sp);
  if (!ref) return;
  const q = new URLSearchParams({ aff: String(ref.affiliateId), next: path });
  if (ref.subId) q.set("sid", ref.subId);
  redirect(`/store/${merchant}/${theme}/ref?${q.toString()}`);
}
