"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { AsyncContent } from "@/components/data";
import { EmptyState, PageHeader } from "@/components/ui";
import { PlanList, usePlanLabels } from "@/features/plans/PlanList";
import { listPlans } from "@/lib/api/endpoints";
import { useResource } from "@/lib/useResource";

export default function PlansPage() {
  const t = useTranslations();
  const plans = useResource(listPlans);
  const labels = usePlanLabels();

  return (
    <>
      <PageHeader title={t("plans.title")} description={t("plans.subtitle")} />
      <AsyncContent loading={plans.loading} error={plans.error} data={plans.data} emptyState={<EmptyState title={t("plans.empty")} />}>
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
