/**
 * A micro-cache of public showcase answers (issue 7: "publication changes show within seconds"):
 * during the festival week thousands of phones read the same column pages, so each page is built
 * once per `ttlMs` instead of once per visitor. Any successful write clears it at once in every
 * process (buildApp and cluster/invalidation.ts), so an approval shows at the next request
 * anywhere; writes outside HTTP show within `ttlMs`.
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
  private serving = true;
  /** Moves at each clear: an answer built from a read begun before a clear is not kept. */
  private clears = 0;

  constructor(
    readonly ttlMs: number,
    private readonly maxEntries = 2000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Taken when a request starts; handed back to `set` with its answer. */
  get generation(): number {
    return this.clears;
  }

  get(key: string): CachedAnswer | undefined {
    if (!this.serving) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, answer: CachedAnswer, generation = this.clears): void {
    if (this.ttlMs <= 0 || !this.serving || generation !== this.clears) return;
    // Maps keep insertion order: past the limit, the oldest entry goes first.
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { ...answer, expires: this.now() + this.ttlMs });
  }

  clear(): void {
    this.clears++;
    this.entries.clear();
  }

  /** Off while writes elsewhere may go unnoticed (the cross-process listener is down). */
  setServing(on: boolean): void {
    this.serving = on;
    if (!on) this.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
