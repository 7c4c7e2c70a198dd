"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense, useEffect, useState } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert } from "@/components/ui";
import { usePlanLabels } from "@/features/plans/PlanList";
import { SignupForm } from "@/features/signup/SignupForm";
import { listPlans } from "@/lib/api/endpoints";
import type { Plan } from "@/lib/api/types";

/**
 * The plan picked on the pricing page (`/signup?plan=pro`). The signup API takes no plan (every organisation
 * starts on the free plan), so the page says which plan was chosen and where to upgrade to it.
 */
function ChosenPlan() {
  const t = useTranslations("signup");
  const labels = usePlanLabels();
  const code = useSearchParams().get("plan");
  const [plan, setPlan] = useState<Plan | null>(null);

  useEffect(() => {
    if (!code) return;
    let active = true;
    listPlans().then(
      (plans) => active && setPlan(plans.find((p) => p.code === code) ?? null),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [code]);

  // Only a known, paid plan: the free plan needs no note, an unknown code is ignored.
  if (!plan || Number(plan.priceMonthly) === 0) return null;
  return (
    <Alert tone="info" className="mb-5">
      {t("chosenPlan", { plan: labels.name(plan.code, plan.name) })}
    </Alert>
  );
}

export default function SignupPage() {
  const t = useTranslations("signup");
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      <Suspense>
        <ChosenPlan />
      </Suspense>
      <SignupForm />
    </AuthCard>
  );
}
