"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useQuery } from "@tanstack/react-query";
import { useDates } from "@/components/format";
import { Alert, Card, Loading, cx, linkStyles } from "@/components/ui";
import { listAudit, type AuditEntry } from "@/features/audit/api";
import { useOrg } from "@/features/org/OrgShell";
import { useResource } from "@/lib/useResource";
import { getOverview, type Overview } from "./api";

/** Counts, the onboarding checklist (it ticks itself from the overview) and, for owners, recent activity. */
export function Dashboard() {
  const t = useTranslations("errors");
  const overview = useResource(getOverview);
  if (overview.error) return <Alert tone="error">{t("loadFailed")}</Alert>;
  if (overview.loading || !overview.data) return <Loading />;
  return (
    <div className="space-y-6">
      <Stats overview={overview.data} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Checklist overview={overview.data} />
        <RecentActivity />
      </div>
    </div>
  );
}

function Stats({ overview }: { overview: Overview }) {
  const t = useTranslations("dashboard");
  const dates = useDates();
  const used = dates.bytes(overview.storageUsedBytes ?? 0);
  const stats = [
    { label: t("members"), value: String(overview.members), hint: t("pendingInvitations", { count: overview.pendingInvitations }), href: "/members" },
    ...(overview.projects === null ? [] : [{ label: t("projects"), value: String(overview.projects), href: "/projects" }]),
    ...(overview.files === null ? [] : [{ label: t("files"), value: String(overview.files), href: "/files" }]),
    ...(overview.storageUsedBytes === null
      ? []
      : [
          {
            label: t("storage"),
            value:
              overview.storageLimitBytes === null
                ? t("storageUnlimited", { used })
                : t("storageOf", { used, limit: dates.bytes(overview.storageLimitBytes) }),
            href: "/billing",
          },
        ]),
  ];
  return (
    <section aria-labelledby="at-a-glance">
      <h2 id="at-a-glance" className="sr-only">
        {t("atAGlance")}
      </h2>
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {stats.map((stat) => (
          <div key={stat.label} className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
            <dt className="text-sm text-slate-600 dark:text-slate-400">
              <Link href={stat.href} className={linkStyles}>
                {stat.label}
              </Link>
            </dt>
            <dd className="mt-1 text-2xl font-semibold break-words text-slate-900 dark:text-slate-100">{stat.value}</dd>
            {"hint" in stat && stat.hint && <dd className="text-xs text-slate-500 dark:text-slate-400">{stat.hint}</dd>}
          </div>
        ))}
      </dl>
    </section>
  );
}

function Checklist({ overview }: { overview: Overview }) {
  const t = useTranslations("dashboard");
  const { can } = useOrg();
  const steps = [
    { key: "invite", done: overview.checklist.invitedSomeone, label: t("stepInvite"), href: can("members.manage") ? "/invitations" : "/members" },
    { key: "project", done: overview.checklist.createdProject, label: t("stepProject"), href: "/projects" },
    { key: "file", done: overview.checklist.uploadedFile, label: t("stepFile"), href: "/files" },
  ];
  const allDone = steps.every((step) => step.done);
  return (
    <Card title={t("gettingStarted")}>
      {allDone && <p className="mb-3 text-sm text-emerald-700 dark:text-emerald-400">{t("gettingStartedDone")}</p>}
      <ol className="space-y-2" aria-label={t("gettingStarted")}>
        {steps.map((step) => (
          <li key={step.key} className="flex items-center gap-3" data-done={step.done}>
            <span
              aria-hidden="true"
              className={cx(
                "flex h-6 w-6 shrink-0 items-center justify-center rounded-full text-xs font-bold",
                step.done ? "bg-emerald-600 text-white" : "ring-2 ring-slate-300 text-transparent dark:ring-slate-600",
              )}
            >
              ✓
            </span>
            {step.done ? (
              <span className="text-slate-500 line-through dark:text-slate-400">{step.label}</span>
            ) : (
              <Link href={step.href} className={linkStyles}>
                {step.label}
              </Link>
            )}
            <span className="sr-only">{step.done ? t("done") : t("todo")}</span>
          </li>
        ))}
      </ol>
    </Card>
  );
}

function RecentActivity() {
  const t = useTranslations("dashboard");
  const { can } = useOrg();
  const dates = useDates();
  const owner = can("audit.read");
  // The audit page's first page, shared with it through the cache; a failure shows as no activity.
  const recent = useQuery({ queryKey: ["audit", { page: 1 }], queryFn: () => listAudit({ page: 1 }), enabled: owner });
  const entries: AuditEntry[] | null = recent.isError ? [] : recent.data ? recent.data.results.slice(0, 5) : null;

  if (!owner) return null;
  return (
    <Card
      title={t("recentActivity")}
      actions={
        <Link href="/audit" className={linkStyles}>
          {t("seeAll")}
        </Link>
      }
    >
      {entries === null ? (
        <Loading />
      ) : entries.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("noActivity")}</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
          {entries.map((entry) => (
            <li key={entry.id} className="flex flex-wrap justify-between gap-2 py-2">
              <span className="break-words">
                <span className="font-medium">{typeof entry.actor?.["email"] === "string" ? entry.actor["email"] : "—"}</span>{" "}
                <code className="rounded bg-slate-100 px-1 text-xs dark:bg-slate-800">{entry.action}</code>
              </span>
              <span className="text-slate-500 dark:text-slate-400">{dates.dateTime(entry.createdAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
