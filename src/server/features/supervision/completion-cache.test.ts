import { describe, expect, it } from 'vitest';
import { CompletionRowsCache } from './completion-cache';

describe('CompletionRowsCache while not serving', () => {
  it('reads the database for every request and keeps nothing until it serves again', async () => {
    const cache = new CompletionRowsCache<number[]>(60_000);
    let reads = 0;
    const read = async () => [++reads];
    expect(await cache.get(1, read)).toEqual([1]);
    expect(await cache.get(1, read)).toEqual([1]);
    // The cross-process listener is down: a write elsewhere could go unnoticed.
    cache.setServing(false);
    expect(await cache.get(1, read)).toEqual([2]);
    expect(await cache.get(1, read)).toEqual([3]);
    cache.setServing(true);
    expect(await cache.get(1, read)).toEqual([4]);
    expect(await cache.get(1, read)).toEqual([4]);
  });
});
