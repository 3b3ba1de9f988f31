import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * Puts a mutation's answer in the cache. A refetch of the same query started before the write
 * (say, by an invalidation after the previous action) would otherwise land after it and put the
 * old state back, so that fetch is cancelled first.
 */
export async function replaceQueryData<T>(client: QueryClient, queryKey: QueryKey, data: T): Promise<void> {
  await client.cancelQueries({ queryKey, exact: true });
  client.setQueryData(queryKey, data);
}
