"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";

export default function LandingPage() {
  const t = useTranslations("landing");
  const features = [
    ["isolationTitle", "isolationText"],
    ["instantTitle", "instantText"],
    ["teamTitle", "teamText"],
  ] as const;
  return (
    <div className="space-y-16">
      <section className="mx-auto max-w-3xl pt-8 text-center">
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl dark:text-slate-100">{t("title")}</h1>
        <p className="mt-6 text-lg text-slate-600 dark:text-slate-400">{t("subtitle")}</p>
        <div className="mt-8 flex flex-wrap justify-center gap-4">
          <Link href="/signup" className="rounded-md bg-indigo-600 px-5 py-3 font-semibold text-white shadow-sm hover:bg-indigo-500">
            {t("cta")}
          </Link>
          <Link href="/login" className="rounded-md bg-white px-5 py-3 font-semibold text-slate-900 ring-1 ring-slate-300 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-800">
            {t("signIn")}
          </Link>
        </div>
      </section>
      <section className="grid gap-6 sm:grid-cols-3">
        {features.map(([title, text]) => (
          <div key={title} className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
            <h2 className="font-semibold text-slate-900 dark:text-slate-100">{t(title)}</h2>
            <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">{t(text)}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
