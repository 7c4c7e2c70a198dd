"use client";

import { useQuery, useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useCallback } from "react";

export interface Resource<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (update: (current: T | null) => T | null) => void;
}

// Each endpoint function (module-level, e.g. `listProjects`) gets its own cache key, so two components that
// load the same endpoint share one request and one cached answer.
const keys = new WeakMap<() => Promise<unknown>, QueryKey>();
let next = 0;

function keyOf(load: () => Promise<unknown>): QueryKey {
  let key = keys.get(load);
  if (!key) {
    key = ["resource", load.name || "anonymous", next++];
    keys.set(load, key);
  }
  return key;
}

/** The loading, error and data states every page shows, cached by TanStack Query (src/lib/query.tsx).
 *
 * `reload` refetches (after a change the page made); `setData` updates the cached answer in place (an
 * optimistic edit, or the body a write returned) for every component showing it.
 */
export function useResource<T>(load: () => Promise<T>, key?: QueryKey): Resource<T> {
  const queryKey = key ?? keyOf(load);
  const client = useQueryClient();
  const query = useQuery({ queryKey, queryFn: () => load() });
  const serialised = JSON.stringify(queryKey);
  const reload = useCallback(() => {
    void client.invalidateQueries({ queryKey, exact: true });
    // queryKey is rebuilt each render; its serialised form is the identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client, serialised]);
  const setData = useCallback(
    (update: (current: T | null) => T | null) =>
      client.setQueryData<T | null>(queryKey, (current) => update(current ?? null)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [client, serialised],
  );
  return {
    data: query.data ?? null,
    error: query.error,
    loading: query.isPending,
    reload,
    setData,
  };
}
