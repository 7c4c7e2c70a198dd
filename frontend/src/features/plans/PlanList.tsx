"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useDates } from "@/components/format";
import type { Plan } from "@/lib/api/types";

export function planFeatures(features: Plan["features"]): string[] {
  if (Array.isArray(features)) return features.map(String);
  return Object.entries(features ?? {})
    .filter(([, value]) => value !== false && value !== null)
    .map(([key, value]) => (value === true ? key : `${key}: ${String(value)}`));
}

/**
 * Plan names and feature flags in the reader's language. The API sends codes (`pro`, `priority_support`) and
 * an English name; a plan or feature added in the admin without a translation shows its API name, made readable.
 */
export function usePlanLabels() {
  const t = useTranslations("plans");
  return {
    name: (code: string, fallback?: string | null) =>
      t.has(`names.${code}`) ? t(`names.${code}`) : fallback || code,
    feature: (key: string) => (t.has(`featureNames.${key}`) ? t(`featureNames.${key}`) : key.replaceAll("_", " ")),
  };
}

export function PlanList({ plans, action }: { plans: Plan[]; action?: (plan: Plan) => ReactNode }) {
  const t = useTranslations("plans");
  const format = useFormatter();
  const sizes = useDates();
  const labels = usePlanLabels();
  return (
    <ul className="grid gap-6 md:grid-cols-3">
      {plans.map((plan) => {
        const price = Number(plan.priceMonthly);
        // The schema marks fields with a model default optional: "usd" is that default. A free plan shows
        // its price as 0 / month, not "Free" under a plan already named Free.
        const currency = (plan.currency ?? "usd").toUpperCase();
        return (
          <li key={plan.code} className="flex flex-col rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
            <h2 className="text-lg font-semibold text-slate-900 dark:text-slate-100">{labels.name(plan.code, plan.name)}</h2>
            <p className="mt-2 text-2xl font-bold text-slate-900 dark:text-slate-100">
              {t("perMonth", {
                price: format.number(price, { style: "currency", currency, maximumFractionDigits: price % 1 ? 2 : 0 }),
              })}
            </p>
            <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
              {plan.seatLimit ? t("seats", { count: plan.seatLimit }) : t("unlimitedSeats")}
            </p>
            <p className="text-sm text-slate-600 dark:text-slate-400">
              {plan.storageLimitBytes ? t("storage", { size: sizes.bytes(plan.storageLimitBytes) }) : t("unlimitedStorage")}
            </p>
            <ul className="mt-4 flex-1 space-y-1 text-sm text-slate-700 dark:text-slate-300">
              {planFeatures(plan.features).map((feature) => (
                <li key={feature}>
                  <span aria-hidden="true">✓ </span>
                  {labels.feature(feature)}
                </li>
              ))}
            </ul>
            {action && <div className="mt-6">{action(plan)}</div>}
          </li>
        );
      })}
    </ul>
  );
}
