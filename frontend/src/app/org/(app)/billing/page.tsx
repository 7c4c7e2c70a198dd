"use client";

import { useTranslations } from "next-intl";
import { useDates } from "@/components/format";
import { Alert, Button, Card, FormAlert, Loading, PageHeader } from "@/components/ui";
import { useOrg } from "@/features/org/OrgShell";
import { PlanList, planFeatures } from "@/features/plans/PlanList";
import { getBilling, listPlans, openBillingPortal, startCheckout } from "@/lib/api/endpoints";
import type { Billing, Plan, RedirectUrl } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";

// `plan` is the plan's code ("" without one).
function planCode(plan: Billing["plan"]): string | null {
  return plan || null;
}

function planName(plan: Billing["plan"], plans: Plan[] | null): string | null {
  if (!plan) return null;
  return plans?.find((p) => p.code === plan)?.name ?? plan;
}

export default function BillingPage() {
  const t = useTranslations();
  const { can } = useOrg();
  const dates = useDates();
  const billing = useResource(getBilling);
  const plans = useResource(listPlans);
  // Stripe's checkout or portal: pending (with what was asked for) until the browser has left for it.
  const { run, pending: redirecting, errors } = useAction<string>({ keepPendingOnSuccess: true });
  const owner = can("billing.manage");

  function go(target: string, call: () => Promise<RedirectUrl>) {
    void run(async () => {
      const { url } = await call();
      window.location.assign(url);
    }, target);
  }

  if (billing.loading) return <Loading />;
  if (billing.error || !billing.data) return <Alert tone="error">{t("errors.loadFailed")}</Alert>;
  const data = billing.data;
  const current = planCode(data.plan);
  const status = data.status?.toLowerCase() ?? "";

  return (
    <>
      <PageHeader
        title={t("billing.title")}
        description={t("billing.subtitle")}
        actions={
          owner && (
            <Button variant="secondary" loading={redirecting === "portal"} disabled={redirecting !== null} onClick={() => go("portal", openBillingPortal)}>
              {t("billing.manage")}
            </Button>
          )
        }
      />
      <div className="space-y-6">
        {status === "past_due" && <Alert tone="warning">{t("billing.pastDue")}</Alert>}
        {["unpaid", "canceled", "cancelled", "read_only", "incomplete_expired"].includes(status) && (
          <Alert tone="warning">{t("billing.readOnly")}</Alert>
        )}
        {redirecting && (
          <Alert tone="info">
            <span className="inline-flex items-center gap-2">{t("billing.redirecting")}</span>
          </Alert>
        )}
        <FormAlert errors={errors} />
        {!owner && <Alert tone="info">{t("billing.ownerOnly")}</Alert>}
        <Card>
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <div>
              <dt className="text-sm text-slate-600">{t("billing.plan")}</dt>
              <dd className="text-lg font-semibold">{planName(data.plan, plans.data) ?? t("billing.noPlan")}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-600">{t("billing.status")}</dt>
              <dd className="text-lg font-semibold">{data.status || t("billing.none")}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-600">{t("billing.seats")}</dt>
              <dd className="text-lg font-semibold">
                {data.seats.limit
                  ? t("billing.seatsUsed", { used: data.seats.used, limit: data.seats.limit })
                  : t("billing.seatsUnlimited", { used: data.seats.used })}
              </dd>
            </div>
            <div>
              <dt className="text-sm text-slate-600">{data.trialEndsAt ? t("billing.trialEnds") : t("billing.periodEnds")}</dt>
              <dd className="text-lg font-semibold">{dates.date(data.trialEndsAt ?? data.currentPeriodEnd)}</dd>
            </div>
          </dl>
          {data.seats.limit ? (
            <div
              className="mt-4 h-2 w-full overflow-hidden rounded-full bg-slate-200"
              role="meter"
              aria-label={t("billing.seats")}
              aria-valuemin={0}
              aria-valuemax={data.seats.limit}
              aria-valuenow={data.seats.used}
            >
              <div className="h-full bg-indigo-600" style={{ width: `${Math.min(100, (100 * data.seats.used) / data.seats.limit)}%` }} />
            </div>
          ) : null}
          {planFeatures(data.features).length > 0 && (
            <>
              <h2 className="mt-6 text-sm font-semibold text-slate-900">{t("billing.features")}</h2>
              <ul className="mt-2 flex flex-wrap gap-2 text-sm">
                {planFeatures(data.features).map((f) => (
                  <li key={f} className="rounded-full bg-slate-100 px-3 py-1 text-slate-700">
                    {f}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        {owner && plans.data && plans.data.length > 0 && (
          <section aria-labelledby="choose-plan">
            <h2 id="choose-plan" className="mb-4 text-lg font-semibold text-slate-900">
              {t("billing.choosePlan")}
            </h2>
            <PlanList
              plans={plans.data.filter((p) => p.code !== current)}
              action={(plan) => (
                <Button
                  className="w-full"
                  loading={redirecting === plan.code}
                  disabled={redirecting !== null}
                  onClick={() => go(plan.code, () => startCheckout(plan.code))}
                >
                  {t("billing.upgradeTo", { plan: plan.name })}
                </Button>
              )}
            />
          </section>
        )}
      </div>
    </>
  );
}
