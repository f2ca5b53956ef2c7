import type { Metadata } from "next";
import { requirePageSession } from "@/lib/auth/session";
import { TransmissionLogSection } from "@/components/ontraport/transmission-log-section";

export const metadata: Metadata = { title: "Transmission Log · ONTRAPORT" };

/** The Transmission Log tab (admins and support): health, then the live, filterable log. */
export default async function TransmissionLogPage() {
  await requirePageSession("support");
  return <TransmissionLogSection />;
}
