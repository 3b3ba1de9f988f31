import { describe, expect, it } from 'vitest';
import { PublicAnswerCache } from './public-cache';

const answer = (payload: string) => ({ payload, etag: `"${payload}"`, contentType: 'application/json' });

describe('PublicAnswerCache', () => {
  it('answers from memory until the entry expires', () => {
    let now = 1000;
    const cache = new PublicAnswerCache(2000, 10, () => now);
    cache.set('/a', answer('a'));
    expect(cache.get('/a')?.payload).toBe('a');
    now += 1999;
    expect(cache.get('/a')?.payload).toBe('a');
    now += 1;
    expect(cache.get('/a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets everything when cleared, the oldest entry past its size, and keeps nothing with no time to live', () => {
    const cache = new PublicAnswerCache(2000, 2);
    cache.set('/a', answer('a'));
    cache.set('/b', answer('b'));
    cache.set('/c', answer('c'));
    expect([cache.get('/a'), cache.get('/b')?.payload, cache.get('/c')?.payload]).toEqual([undefined, 'b', 'c']);
    cache.clear();
    expect(cache.get('/b')).toBeUndefined();
    const off = new PublicAnswerCache(0);
    off.set('/a', answer('a'));
    expect(off.get('/a')).toBeUndefined();
  });

  it('does not keep an answer read before a clear, and neither answers nor keeps while not serving', () => {
    const cache = new PublicAnswerCache(60_000);
    // A read begins, a write clears the cache meanwhile: the answer it built may predate the write.
    const began = cache.generation;
    cache.clear();
    cache.set('/a', answer('old'), began);
    expect(cache.get('/a')).toBeUndefined();
    cache.set('/a', answer('new'), cache.generation);
    expect(cache.get('/a')?.payload).toBe('new');
    // The cross-process listener is down: nothing from memory, nothing kept.
    cache.setServing(false);
    expect(cache.get('/a')).toBeUndefined();
    cache.set('/b', answer('b'));
    cache.setServing(true);
    expect(cache.get('/a')).toBeUndefined();
    expect(cache.get('/b')).toBeUndefined();
  });
});
