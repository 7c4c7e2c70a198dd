import { headers } from "next/headers";
import { PageNotFound } from "@/components/PageNotFound";
import { classifyHost } from "@/lib/host";
import { organisationAtHost } from "@/server/organisation";

/** 404s: on an organisation host where no organisation lives, say that (src/app/org/layout.tsx sends them here). */
export default async function NotFound() {
  const raw = (await headers()).get("host") ?? "";
  const host = classifyHost(raw);
  // Asked again here rather than passed along: 404 pages are rare, and notFound() carries no data.
  const missing = host.kind === "organisation" && (await organisationAtHost(raw)) === "missing";
  return <PageNotFound organisationHost={missing ? host.host : undefined} />;
}
