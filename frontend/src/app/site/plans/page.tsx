"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { AsyncContent } from "@/components/data";
import { EmptyState, PageHeader } from "@/components/ui";
import { PlanList, usePlanLabels } from "@/features/plans/PlanList";
import { listPlans } from "@/lib/api/endpoints";
import type { Plan } from "@/lib/api/types";

export default function PlansPage() {
  const t = useTranslations();
  const [plans, setPlans] = useState<Plan[] | null>(null);
  const [failed, setFailed] = useState(false);
  const labels = usePlanLabels();

  useEffect(() => {
    listPlans().then(setPlans, () => setFailed(true));
  }, []);

  return (
    <>
      <PageHeader title={t("plans.title")} description={t("plans.subtitle")} />
      <AsyncContent loading={plans === null} error={failed} data={plans} emptyState={<EmptyState title={t("plans.empty")} />}>
        {(list) => (
          <PlanList
            plans={list}
            action={(plan) => (
              // The chosen plan goes along: the signup page names it (signup itself starts every organisation free).
              <Link
                href={`/signup?plan=${encodeURIComponent(plan.code)}`}
                aria-label={t("plans.chooseNamed", { plan: labels.name(plan.code, plan.name) })}
                className="block rounded-md bg-indigo-600 px-3 py-2 text-center text-sm font-semibold text-white hover:bg-indigo-500"
              >
                {t("plans.choose")}
              </Link>
            )}
          />
        )}
      </AsyncContent>
    </>
  );
}
