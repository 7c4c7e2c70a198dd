import { headers } from "next/headers";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { organisationAtHost } from "@/server/organisation";

/**
 * Every page of an organisation's host: an address where no organisation lives answers 404 with the
 * "no organisation here" page (src/app/not-found.tsx) instead of offering to sign in to it.
 */
export default async function OrganisationHostLayout({ children }: { children: ReactNode }) {
  const host = (await headers()).get("host") ?? "";
  if ((await organisationAtHost(host)) === "missing") notFound();
  return children;
}
