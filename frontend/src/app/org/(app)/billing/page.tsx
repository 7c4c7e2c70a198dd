"use client";

import { useTranslations } from "next-intl";
import { useDates } from "@/components/format";
import { Alert, Button, Card, FormAlert, Loading, PageHeader } from "@/components/ui";
import { useOrg } from "@/features/org/OrgShell";
import { PlanList, planFeatures, usePlanLabels } from "@/features/plans/PlanList";
import { getBilling, listPlans, openBillingPortal, startCheckout } from "@/lib/api/endpoints";
import type { RedirectUrl } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";

function Meter({ label, used, limit }: { label: string; used: number; limit: number }) {
  return (
    <div
      className="mt-2 h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={limit}
      aria-valuenow={used}
    >
      <div className="h-full bg-indigo-600" style={{ width: `${Math.min(100, (100 * used) / limit)}%` }} />
    </div>
  );
}

export default function BillingPage() {
  const t = useTranslations();
  const { can } = useOrg();
  const dates = useDates();
  const labels = usePlanLabels();
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
  // Without Stripe (`make dev` with no STRIPE_SECRET_KEY) the organisation is on the free plan and nothing can be bought.
  const upgrades = data.upgradesAvailable;
  const status = data.status?.toLowerCase() ?? "";
  const statusLabel = status && t.has(`billing.statuses.${status}`) ? t(`billing.statuses.${status}`) : data.status || t("billing.none");
  const planName = data.plan ? labels.name(data.plan, data.planName) : t("billing.noPlan");
  const storageUsed = data.storageUsedBytes;
  const features = planFeatures(data.features);

  return (
    <>
      <PageHeader
        title={t("billing.title")}
        description={t("billing.subtitle")}
        actions={
          owner &&
          upgrades && (
            <Button variant="secondary" loading={redirecting === "portal"} disabled={redirecting !== null} onClick={() => go("portal", openBillingPortal)}>
              {t("billing.manage")}
            </Button>
          )
        }
      />
      <div className="space-y-6">
        {!upgrades && (
          <Alert tone="info">
            <strong className="block font-semibold">{t("billing.unavailableTitle")}</strong>
            {owner ? t("billing.unavailableOwner") : t("billing.unavailableMember")}
          </Alert>
        )}
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
        {upgrades && !owner && <Alert tone="info">{t("billing.ownerOnly")}</Alert>}
        <Card>
          <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
            <div>
              <dt className="text-sm text-slate-600 dark:text-slate-400">{t("billing.plan")}</dt>
              <dd className="text-lg font-semibold">{planName}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-600 dark:text-slate-400">{t("billing.status")}</dt>
              <dd className="text-lg font-semibold">{statusLabel}</dd>
            </div>
            <div>
              <dt className="text-sm text-slate-600 dark:text-slate-400">{t("billing.seats")}</dt>
              <dd className="text-lg font-semibold">
                {data.seats.limit
                  ? t("billing.seatsUsed", { used: data.seats.used, limit: data.seats.limit })
                  : t("billing.seatsUnlimited", { used: data.seats.used })}
                {/* Inside the <dd>: a <dl>'s groups hold only <dt> and <dd>. */}
                {data.seats.limit ? <Meter label={t("billing.seats")} used={data.seats.used} limit={data.seats.limit} /> : null}
              </dd>
            </div>
            {storageUsed !== null && storageUsed !== undefined && (
              <div>
                <dt className="text-sm text-slate-600 dark:text-slate-400">{t("billing.storage")}</dt>
                <dd className="text-lg font-semibold">
                  {data.storageLimitBytes
                    ? t("billing.storageUsed", { used: dates.bytes(storageUsed), limit: dates.bytes(data.storageLimitBytes) })
                    : t("billing.storageUnlimited", { used: dates.bytes(storageUsed) })}
                  {data.storageLimitBytes ? (
                    <Meter label={t("billing.storage")} used={storageUsed} limit={data.storageLimitBytes} />
                  ) : null}
                </dd>
              </div>
            )}
            {(data.trialEndsAt || data.currentPeriodEnd) && (
              <div>
                <dt className="text-sm text-slate-600 dark:text-slate-400">{data.trialEndsAt ? t("billing.trialEnds") : t("billing.periodEnds")}</dt>
                <dd className="text-lg font-semibold">{dates.date(data.trialEndsAt ?? data.currentPeriodEnd)}</dd>
              </div>
            )}
          </dl>
          {!data.limitsEnforced && <p className="mt-4 text-sm text-slate-600 dark:text-slate-400">{t("billing.limitsNotEnforced")}</p>}
          {features.length > 0 && (
            <>
              <h2 className="mt-6 text-sm font-semibold text-slate-900 dark:text-slate-100">{t("billing.features")}</h2>
              <ul className="mt-2 flex flex-wrap gap-2 text-sm">
                {features.map((f) => (
                  <li key={f} className="rounded-full bg-slate-100 px-3 py-1 text-slate-700 dark:bg-slate-800 dark:text-slate-300">
                    {labels.feature(f)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>
        {owner && upgrades && plans.data && plans.data.length > 0 && (
          <section aria-labelledby="choose-plan">
            <h2 id="choose-plan" className="mb-4 text-lg font-semibold text-slate-900 dark:text-slate-100">
              {t("billing.choosePlan")}
            </h2>
            <PlanList
              plans={plans.data.filter((p) => p.code !== data.plan)}
              action={(plan) => (
                <Button
                  className="w-full"
                  loading={redirecting === plan.code}
                  disabled={redirecting !== null}
                  onClick={() => go(plan.code, () => startCheckout(plan.code))}
                >
                  {t("billing.upgradeTo", { plan: labels.name(plan.code, plan.name) })}
                </Button>
              )}
            />
          </section>
        )}
      </div>
    </>
  );
}
