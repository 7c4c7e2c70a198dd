"use client";

import { useTranslations } from "next-intl";
import { PageHeader } from "@/components/ui";
import { Dashboard } from "@/features/dashboard/Dashboard";
import { useOrg } from "@/features/org/OrgShell";

export default function DashboardPage() {
  const t = useTranslations();
  const { me } = useOrg();
  const organisation = me.tenant.name;
  return (
    <>
      <PageHeader
        title={t("dashboard.title")}
        description={
          <>
            {t("dashboard.welcome", { name: me.fullName || me.email })}{" "}
            {t("dashboard.role", { role: me.role, organisation })}
          </>
        }
      />
      <Dashboard />
    </>
  );
}
