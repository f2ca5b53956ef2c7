import Link from "next/link";
import { LogOut } from "lucide-react";
import { requirePageSession, type SessionUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";
import { getKeyState } from "@/lib/ontraport/log/queries";
import { SideNav } from "@/components/shell/side-nav";
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

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requirePageSession();
  const banners = await bannerFacts(user);
  return (
    <div className="flex min-h-screen">
      <aside className="sticky top-0 hidden h-screen w-60 shrink-0 overflow-y-auto border-r border-zinc-200 bg-white md:block">
        <Link href="/" className="block border-b border-zinc-100 px-5 py-4 text-lg font-semibold tracking-tight text-accent-700">
          cartlink
        </Link>
        <SideNav role={user.role} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="relative flex items-center justify-between gap-3 border-b border-zinc-200 bg-white px-4 py-3 sm:px-6">
          <div className="flex min-w-0 items-center gap-3">
            <MobileNav role={user.role} />
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
