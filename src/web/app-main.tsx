/** The signed-in app (and the sign-in and activation pages), started by main.tsx. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError, setPasswordChangeRequiredHandler, setUnauthenticatedHandler } from './api/client';
import { applyLanguage, LanguageProvider } from './app/language';
import { createAppRouter } from './app/router';
import { initI18n, storedLanguage } from './i18n';
import { handleSessionLost, sessionKey } from './session/session';
import './styles.css';

const language = storedLanguage();
initI18n(language);
applyLanguage(language);

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Client errors (4xx) will not change by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
    mutations: { retry: false },
  },
});

// A 401 on any signed-in request: the session is gone; the guard then shows the sign-in page.
setUnauthenticatedHandler(() => handleSessionLost(queryClient));
// The account must change its password first (e.g. reset meanwhile): reload the session, and the
// guard shows the change-password screen.
setPasswordChangeRequiredHandler(() => void queryClient.invalidateQueries({ queryKey: sessionKey }));

const router = createAppRouter();
const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <LanguageProvider initial={language}>
        <RouterProvider router={router} />
      </LanguageProvider>
    </QueryClientProvider>
  </StrictMode>,
);
