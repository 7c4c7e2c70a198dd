"use client";

import { useSyncExternalStore } from "react";
import { organisationHostPreview } from "@/lib/host";

const noSubscribe = () => () => undefined;

/**
 * `organisationHostPreview` without a hydration mismatch: the server cannot know the browser's port, so the
 * server render and the hydrating render both use the address without it, and the port is added right after.
 */
export function useOrganisationHostPreview(subdomain: string): string {
  const port = useSyncExternalStore(
    noSubscribe,
    () => window.location.port,
    () => "",
  );
  return organisationHostPreview(subdomain, port);
}
