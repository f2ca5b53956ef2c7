import Link from "next/link";
import { connection } from "next/server";

/** Rendered per request so its scripts carry the request's CSP nonce. */
export default async function Forbidden() {
  await connection();
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md rounded-lg border border-zinc-200 bg-white p-6 text-center shadow-sm">
        <h1 className="text-xl font-semibold">You do not have access to that page</h1>
        <p className="mt-2 text-sm text-zinc-600">Your role does not include it. Ask an admin of your store if you need it.</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-accent-600 hover:underline">
          Back to the dashboard
        </Link>
      </div>
    </main>
  );
}
