"use client";

import { useTranslations } from "next-intl";
import { Alert, PageHeader } from "@/components/ui";
import { AuditLog } from "@/features/audit/AuditLog";
import { useOrg } from "@/features/org/OrgShell";

export default function AuditPage() {
  const t = useTranslations("audit");
  const { can } = useOrg();
  return (
    <>
      <PageHeader title={t("title")} description={t("subtitle")} />
      {can("audit.read") ? <AuditLog /> : <Alert tone="info">{t("ownersOnly")}</Alert>}
    </>
  );
}
