import { cache } from "react";
import { getDb } from "@/lib/db/client";
import { getConfigView } from "@/lib/ontraport/config/config";

/** The ONTRAPORT page's base path; each tab is a segment under it. */
export const ONTRAPORT_PATH = "/configuration/external-integrations/ontraport";

/** The configuration as the layout (status badge) and the Connection tab read it: one query per request. */
export const loadConfigView = cache(async (merchantId: string) => getConfigView(await getDb(), { merchantId }));
