"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { apiClient } from "@/lib/api/client";

/** Server data through TanStack Query: one cache per browser tab, shared by every page of the app.
 *
 * Data is stale at once (staleTime 0): a page shows what it had and refetches on mount, so a list another
 * page changed (the dashboard's checklist after an upload) is current when you come back. A request that
 * failed is not retried behind the user's back: the page shows the error and its Retry button.
 */
export function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 0, retry: false, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

export function QueryProvider({ children }: { children: ReactNode }) {
  // One client per mounted tree (never module-level: a server render must not share a cache between users).
  const [client] = useState(makeQueryClient);
  // Signed out (or the session lost): nothing the last person loaded may show to the next one in this tab.
  useEffect(() => apiClient.tokens.subscribe((token) => token || client.clear()), [client]);
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
