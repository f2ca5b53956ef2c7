import { vi } from "vitest";

// Server actions and route handlers called straight from a test, as the user in `who.current`
// (null: no session). Import this module before the action or route (load those with `await
// import(...)`), so the mocks below are in place when they load next-auth and next/cache.
// The factories run when the mocked modules are first loaded, after this module has run.
export const who: { current: null | { id: string; sessionId: string } } = { current: null };

vi.mock("@/lib/auth", () => ({
  auth: async () => (who.current ? { user: { ...who.current } } : null),
  signIn: async () => undefined,
  signOut: async () => undefined,
  handlers: {},
}));
vi.mock("next-auth", () => ({ AuthError: class AuthError extends Error {}, CredentialsSignin: class CredentialsSignin extends Error {}, default: () => ({}) }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined, revalidateTag: () => undefined, updateTag: () => undefined }));
