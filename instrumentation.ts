/**
 * Runs once when `next start` boots (not during `next build`). Starts the delivery worker inside the
 * web server unless CARTLINK_EMBEDDED_WORKER=false (then run `npm run worker` processes instead).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  if (process.env.CARTLINK_EMBEDDED_WORKER === "false") return;
  const { startEmbeddedWorker } = await import("@/lib/ontraport/runtime");
  // Not awaited: the server answers while the database opens; a failure is logged, never fatal.
  startEmbeddedWorker().catch((e: unknown) => {
    console.error(`cartlink: the delivery worker did not start: ${e instanceof Error ? e.message : String(e)}`);
    globalThis.__cartlinkEmbeddedWorker = undefined;
  });
}
