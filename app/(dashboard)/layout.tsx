import Link from "next/link";
import { LogOut } from "lucide-react";
import { requirePageSession, type SessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getKeyState } from "@/lib/ontraport/log/queries";
import { getDeliverySummary } from "@/lib/ontraport/log/summary";
import { SideNav, type SideNavDeliveries } from "@/components/shell/side-nav";
import { MobileNav } from "@/components/shell/mobile-nav";
import { signOutAction } from "./sign-out";
import { DashboardBanners, type BannerFacts } from "@/components/shell/dashboard-banners";
import { Badge } from "@/components/ui/badge";

/**
 * The banners' facts. The stale-key banner is for admins, who can fix it: while ONTRAPORT refuses the
 * API key, deliveries are paused; it clears on the next page view after a new key is saved.
 */
async function bannerFacts(user: SessionUser): Promise<BannerFacts> {
  if (user.role !== "admin") return { staleKey: null };
  const state = await getKeyState(await getDb(), { merchantId: user.merchantId });
  return { staleKey: state.stale && state.method === "api" ? { waiting: state.waiting } : null };
}

/**
 * The side menu's ONTRAPORT counts: failed in the last 7 days and waiting now. Shown while the
 * integration is on, or while anything is left to look at after it was turned off.
 */
async function deliveryFacts(user: SessionUser): Promise<SideNavDeliveries | null> {
  const db = await getDb();
  const [state, s] = await Promise.all([getKeyState(db, { merchantId: user.merchantId }), getDeliverySummary(db, { merchantId: user.merchantId })]);
  if (state.method === "off" && s.failed7d + s.waiting + s.paused === 0) return null;
  return { failed7d: s.failed7d, waiting: s.waiting, paused: s.paused };
}

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageSession();
  const [banners, deliveries] = await Promise.all([bannerFacts(user), deliveryFacts(user)]);
  return (
    <div className="flex min-h-screen">
      {/* The aside stretches to the page's full height (its background and border with it); the menu inside stays in view. */}
      <aside className="hidden w-60 shrink-0 self-stretch border-r border-zinc-200 bg-white md:block">
        <div className="sticky top-0 max-h-screen overflow-y-auto">
          <Link href="/" className="block border-b border-zinc-100 px-5 py-4 text-lg font-semibold tracking-tight text-accent-700">
            cartlink
          </Link>
          <SideNav role={user.role} deliveries={deliveries} />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="relative flex items-center justify-between gap-3 border-b border-zinc-200 bg-white px-4 py-3 sm:px-6">
          <div className="flex min-w-0 items-center gap-3">
            <MobileNav role={user.role} deliveries={deliveries} />
            <p className="truncate text-sm font-semibold text-zinc-900" data-testid="merchant-name">
              {user.merchantName} <span className="font-normal text-zinc-500">({user.merchantId})</span>
            </p>
          </div>
          <div className="flex items-center gap-3 text-sm">
            <span className="hidden text-zinc-700 sm:inline">{user.email}</span>
            <Badge tone={user.role === "admin" ? "info" : "neutral"}>{user.role === "admin" ? "Admin" : "Support"}</Badge>
            <form action={signOutAction}>
              <button type="submit" className="inline-flex items-center gap-1 whitespace-nowrap rounded-md px-2 py-1 text-zinc-700 hover:bg-zinc-100">
                <LogOut className="size-4" aria-hidden="true" />
                Sign out
              </button>
            </form>
          </div>
        </header>
        <DashboardBanners facts={banners} />
        <main className="mx-auto w-full max-w-7xl flex-1 px-4 py-6 sm:px-6">{children}</main>
      </div>
    </div>
  );
}
