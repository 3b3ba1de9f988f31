/**
 * A micro-cache of public showcase answers (issue 7: "publication changes show within seconds"):
 * during the festival week thousands of phones read the same column pages, so each page is built
 * once per `ttlMs` instead of once per visitor. Any successful write through this process clears
 * it at once (see buildApp), so an approval shows at the next request here; other processes and
 * writes outside HTTP show within `ttlMs`.
 */
export interface CachedAnswer {
  payload: string;
  etag: string;
  contentType: string;
  /** Which database the answer was read from (decision 020), repeated in X-Huiju-Read-Source. */
  source?: 'replica' | 'primary' | undefined;
}

export class PublicAnswerCache {
  private readonly entries = new Map<string, CachedAnswer & { expires: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 2000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, answer: CachedAnswer): void {
    if (this.ttlMs <= 0) return;
    // Maps keep insertion order: past the limit, the oldest entry goes first.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { ...answer, expires: this.now() + this.ttlMs });
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
