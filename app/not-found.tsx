import Link from "next/link";

export default function NotFound() {
  return (
    <main className="flex min-h-[60vh] items-center justify-center px-4">
      <div className="max-w-md text-center">
        <h1 className="text-xl font-semibold">Not found</h1>
        <p className="mt-2 text-sm text-zinc-600">There is nothing at this address, or it belongs to another store.</p>
        <Link href="/" className="mt-4 inline-block text-sm font-medium text-accent-600 hover:underline">
          Go to the dashboard
        </Link>
      </div>
    </main>
  );
}
