import Link from "next/link";
import { KeyRound } from "lucide-react";

/** What the banners show; the dashboard layout reads it (components render, data comes as props). */
export interface BannerFacts {
  /** Set for admins while ONTRAPORT refuses the API key: how many transmissions wait for a new one. */
  staleKey: { waiting: number } | null;
}

/**
 * Banners shown on every dashboard page. Each banner is its own component, added here.
 */
export function DashboardBanners({ facts }: { facts: BannerFacts }) {
  return facts.staleKey ? <StaleKeyBanner waiting={facts.staleKey.waiting} /> : null;
}

/**
 * While ONTRAPORT refuses the API key (401/403), deliveries are paused; admins, who can fix it,
 * see why and how many transmissions wait, with a link straight to the key field. It clears by
 * itself on the next page view after a new key is saved.
 */
function StaleKeyBanner({ waiting: n }: { waiting: number }) {
  return (
    <div role="alert" className="border-b border-amber-300 bg-amber-50 px-6 py-3 text-sm text-amber-950">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-3 gap-y-1">
        <KeyRound className="size-4 shrink-0" aria-hidden="true" />
        <p className="min-w-0 flex-1">
          <strong>ONTRAPORT no longer accepts your API key</strong> (it is stale: expired or revoked in ONTRAPORT).{" "}
          {n === 0 ? "No transmission is waiting yet." : `${n} ${n === 1 ? "transmission is" : "transmissions are"} waiting and will be sent as soon as you save a new key.`}
        </p>
        <Link href="/configuration/external-integrations/ontraport#api-key" className="font-semibold text-amber-950 underline">
          Enter a new API key
        </Link>
      </div>
    </div>
  );
}
