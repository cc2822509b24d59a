import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';

/**
 * The console's data layer: answers of the typed client cached by what was asked (the path, its
 * parameters and the language), asked again when something they depend on changes or is invalidated.
 * A failure is shown as it is, not retried behind the user's back.
 */
export const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 5_000 } } });

export function DataLayer({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
