/**
 * Runs once when `next start` boots (not during `next build`). Starts the background work (delivery
 * worker, rebill scheduler) inside the web server unless CARTLINK_EMBEDDED_WORKER=false (then run
 * `npm run worker` processes instead).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.CARTLINK_EMBEDDED_WORKER === "false") return;
  const { startEmbeddedBackground } = await import("@/lib/runtime/background");
  const { log } = await import("@/lib/log");
  // Not awaited: the server answers while the database opens; a failure is logged, never fatal.
  startEmbeddedBackground().catch((e: unknown) => {
    log("error", "the delivery worker did not start", { error: e instanceof Error ? e.message : String(e) });
    globalThis.__cartlinkBackground = undefined;
  });
}
