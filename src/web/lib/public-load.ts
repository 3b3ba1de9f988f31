import { useEffect, useState } from 'react';
import type { LightLanguage } from './light-page';

class LoadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GET from the public API (`/api/v1/public…`), without cookies; the browser's HTTP cache revalidates with the ETag (304). */
async function load<R>(url: string, language: LightLanguage, signal: AbortSignal): Promise<R> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { Accept: 'application/json', 'Accept-Language': language }, signal, credentials: 'omit' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new LoadError(0, '');
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => null)) as { detail?: string; errors?: { message: string }[] } | null;
    throw new LoadError(response.status, problem?.errors?.map((e) => e.message).join('；') ?? problem?.detail ?? '');
  }
  return (await response.json()) as R;
}

/** A public answer as the light pages show it; status 0 is a network failure. */
export type Loaded<R> = { state: 'loading' } | { state: 'error'; status: number; message: string } | { state: 'ready'; data: R };

/** Loads `url` (null: nothing yet) for the light public pages, again when it or the language changes. */
export function usePublicLoad<R>(url: string | null, language: LightLanguage): Loaded<R> {
  const [result, setResult] = useState<{ url: string | null; value: Loaded<R> }>({ url: null, value: { state: 'loading' } });
  useEffect(() => {
    if (url === null) return;
    const controller = new AbortController();
    load<R>(url, language, controller.signal)
      .then((data) => setResult({ url, value: { state: 'ready', data } }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setResult({ url, value: { state: 'error', status: error instanceof LoadError ? error.status : 0, message: error instanceof LoadError ? error.message : '' } });
      });
    return () => controller.abort();
  }, [url, language]);
  return result.url === url ? result.value : { state: 'loading' };
}
