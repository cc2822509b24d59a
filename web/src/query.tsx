import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from './api';

/**
 * The console's data layer: answers of the typed client cached by what was asked (the path, its
 * parameters and the language), asked again when something they depend on changes or is invalidated.
 * A failure is shown as it is, not retried behind the user's back — except a read the service refused
 * for now (503: busy, or its database out of reach), asked again up to three times after the wait it
 * named. A change (a mutation) is never repeated by itself.
 */
const busy = (error: unknown) => error instanceof ApiError && error.status === 503;
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failures, error) => busy(error) && failures < 3,
      retryDelay: (_failures, error) => Math.min(10, (error instanceof ApiError && error.retryAfter) || 5) * 1000,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

export function DataLayer({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
