import type { SessionUser } from "@/lib/auth/session";

/**
 * Banners shown on every dashboard page (for example the ONTRAPORT stale-key banner for admins).
 * Each banner is its own server component, added here.
 */
export async function DashboardBanners({ user: _user }: { user: SessionUser }) {
  return null;
}
