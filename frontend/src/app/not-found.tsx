"use client";

import { useTranslations } from "next-intl";
import { linkStyles } from "@/components/ui";

export default function NotFound() {
  const t = useTranslations();
  return (
    <main id="content" className="mx-auto max-w-md px-4 py-24 text-center">
      <h1 className="text-2xl font-bold text-slate-900">{t("errors.notFoundTitle")}</h1>
      <p className="mt-2 text-slate-600">{t("errors.notFound")}</p>
      <p className="mt-6">
        <a className={linkStyles} href="/">
          {t("common.backHome")}
        </a>
      </p>
    </main>
  );
}
