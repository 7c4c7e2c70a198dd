"use client";

import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { Plan } from "@/lib/api/types";

export function planFeatures(features: Plan["features"]): string[] {
  if (Array.isArray(features)) return features.map(String);
  return Object.entries(features ?? {})
    .filter(([, value]) => value !== false && value !== null)
    .map(([key, value]) => (value === true ? key : `${key}: ${String(value)}`));
}

export function PlanList({ plans, action }: { plans: Plan[]; action?: (plan: Plan) => ReactNode }) {
  const t = useTranslations("plans");
  const format = useFormatter();
  return (
    <ul className="grid gap-6 md:grid-cols-3">
      {plans.map((plan) => {
        // The schema marks fields with a model default optional: "usd" is that default.
        const price = Number(plan.priceMonthly);
        return (
          <li key={plan.code} className="flex flex-col rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
            <h2 className="text-lg font-semibold text-slate-900">{plan.name}</h2>
            <p className="mt-2 text-2xl font-bold text-slate-900">
              {price > 0
                ? t("perMonth", { price: format.number(price, { style: "currency", currency: (plan.currency ?? "usd").toUpperCase() }) })
                : t("free")}
            </p>
            <p className="mt-1 text-sm text-slate-600">
              {plan.seatLimit ? t("seats", { count: plan.seatLimit }) : t("unlimitedSeats")}
            </p>
            <ul className="mt-4 flex-1 space-y-1 text-sm text-slate-700">
              {planFeatures(plan.features).map((feature) => (
                <li key={feature}>
                  <span aria-hidden="true">✓ </span>
                  {feature}
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
