import type { LogStatus } from "./words";

/** The full-width Transmission Log page. */
export const LOG_PATH = "/configuration/external-integrations/ontraport/log";

/** The log filtered by a status (`status` is the log's own query-string name, see LOG_PARAM_NAMES). */
export function logHref(status?: LogStatus): string {
  return status ? `${LOG_PATH}?status=${status}` : LOG_PATH;
}
