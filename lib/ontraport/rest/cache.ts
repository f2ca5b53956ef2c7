// ONTRAPORT ids of products and taxes, by name, per merchant: a Sale in steady state looks nothing
// up. The database implementation comes with the engine wiring; tests use the in-memory one.

export type CacheKind = "product" | "tax";

export interface ProductCache {
  /** The ONTRAPORT id cached for this name (exact, case-sensitive), or null. */
  get(kind: CacheKind, name: string): Promise<string | null>;
  set(kind: CacheKind, name: string, id: string): Promise<void>;
  /** Forget the entry: ONTRAPORT said the id is gone, or the name's mapping changed. */
  drop(kind: CacheKind, name: string): Promise<void>;
}

export class MemoryProductCache implements ProductCache {
  readonly entries = new Map<string, string>();

  private static key(kind: CacheKind, name: string): string {
    return `${kind}\u0000${name}`;
  }

  async get(kind: CacheKind, name: string): Promise<string | null> {
    return this.entries.get(MemoryProductCache.key(kind, name)) ?? null;
  }

  async set(kind: CacheKind, name: string, id: string): Promise<void> {
    this.entries.set(MemoryProductCache.key(kind, name), id);
  }

  async drop(kind: CacheKind, name: string): Promise<void> {
    this.entries.delete(MemoryProductCache.key(kind, name));
  }
}
