"use client";

import { useTranslations } from "next-intl";
import { useSyncExternalStore, type ReactNode } from "react";
import { LanguageSwitcher } from "@/components/LanguageSwitcher";
import { SkipLink } from "@/components/SiteHeader";
import { ThemeToggle } from "@/components/ThemeToggle";
import { classifyHost } from "@/lib/host";

const noSubscribe = () => () => undefined;

/** The organisation's label from the host (its subdomain), known only in the browser. */
export function useOrganisationLabel(): string {
  return useSyncExternalStore(
    noSubscribe,
    () => {
      const host = classifyHost(window.location.host);
      return host.kind === "organisation" ? (host.subdomain ?? host.host) : host.host;
    },
    () => "",
  );
}

/** The signed-out pages of an organisation's host: its name (the subdomain) and the language switch. */
export function AuthShell({ children }: { children: ReactNode }) {
  const t = useTranslations("common");
  const label = useOrganisationLabel();
  return (
    <>
      <SkipLink />
      <header className="border-b border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-3">
          <span className="text-lg font-bold text-slate-900 dark:text-slate-100">{label || t("appName")}</span>
          <div className="flex items-center gap-3">
            <ThemeToggle />
            <LanguageSwitcher />
          </div>
        </div>
      </header>
      <main id="content" tabIndex={-1} className="px-4 py-12 focus:outline-none">
        {children}
      </main>
    </>
  );
}
