/**
 * The rows behind a task's completion (issue 8, W3): every unit owing the task across the cascade,
 * read by one recursive query that costs ~100–200 ms for the national tree. Collectors at every
 * level watch the same figures, most of all in the hours before a deadline, so the rows of a task
 * are read once per `ttlMs` and shared: concurrent requests wait for the same read instead of
 * each starting one. Statuses (on time, late, missing) are still worked out per request from the
 * rows and the current time, so a deadline passing shows at once.
 *
 * Any successful write clears it in every process (buildApp and cluster/invalidation.ts); a read
 * that started before the clear is not reused after it. Writes outside HTTP (the reminder
 * scheduler) show within `ttlMs`.
 */
export class CompletionRowsCache<T> {
  private readonly entries = new Map<number, { generation: number; expires: number; rows: Promise<T> }>();
  private generation = 0;
  private serving = true;
  /** How many reads went to the database (for tests and benchmarks). */
  reads = 0;

  constructor(
    readonly ttlMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get(taskId: number, read: () => Promise<T>): Promise<T> {
    const entry = this.entries.get(taskId);
    if (this.serving && entry && entry.generation === this.generation && entry.expires > this.now()) return entry.rows;
    this.reads++;
    const rows = read();
    if (this.ttlMs > 0 && this.serving) {
      // Shared while the read runs, then for `ttlMs` after it ends: a read slower than `ttlMs`
      // under load must not make every request start another.
      const fresh = { generation: this.generation, expires: Number.POSITIVE_INFINITY, rows };
      this.entries.set(taskId, fresh);
      rows.then(
        () => {
          fresh.expires = this.now() + this.ttlMs;
        },
        // A failed read is not kept: the next request tries again.
        () => {
          if (this.entries.get(taskId) === fresh) this.entries.delete(taskId);
        },
      );
    }
    return rows;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  /** Off while writes elsewhere may go unnoticed (the cross-process listener is down). */
  setServing(on: boolean): void {
    this.serving = on;
    if (!on) this.clear();
  }
}
