"use client";

import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { linkStyles } from "@/components/ui";
import { publicOrigin } from "@/lib/host";

const noSubscribe = () => () => undefined;

/** The 404 page's content: a generic one, or, on an address where no organisation lives, that. */
export function PageNotFound({ organisationHost }: { organisationHost?: string }) {
  const t = useTranslations();
  // The public site's signup, on its own host; the server does not know the browser's port, so the
  // hydrating render matches the server's and the full address follows.
  const signup = useSyncExternalStore(
    noSubscribe,
    () => `${publicOrigin()}/signup`,
    () => "/signup",
  );
  return (
    <main id="content" className="mx-auto max-w-md px-4 py-24 text-center">
      <h1 className="text-2xl font-bold text-slate-900 dark:text-slate-100">
        {organisationHost ? t("errors.orgNotFoundTitle") : t("errors.notFoundTitle")}
      </h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        {organisationHost ? t("errors.orgNotFound", { host: organisationHost }) : t("errors.notFound")}
      </p>
      <p className="mt-6">
        {organisationHost ? (
          <a className={linkStyles} href={signup}>
            {t("errors.createOrganisation")}
          </a>
        ) : (
          <a className={linkStyles} href="/">
            {t("common.backHome")}
          </a>
        )}
      </p>
    </main>
  );
}
