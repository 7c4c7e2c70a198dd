"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { Alert, Loading, PageHeader } from "@/components/ui";
import { useOrg } from "@/features/org/OrgShell";
import { getOrganisation, type Deletion } from "@/features/settings/api";
import {
  DangerZone,
  DeletionScheduled,
  GeneralSection,
  LeaveSection,
  LogoSection,
  SecuritySection,
} from "@/features/settings/OrganisationSettings";
import { SsoSettings } from "@/features/settings/SsoSettings";
import { useResource } from "@/lib/useResource";

export default function SettingsPage() {
  const t = useTranslations();
  const { can } = useOrg();
  const organisation = useResource(getOrganisation);
  const [deletion, setDeletion] = useState<Deletion | null>(null);
  const owner = can("organisation.security");

  return (
    <>
      <PageHeader title={t("settings.title")} description={t("settings.subtitle")} />
      {organisation.loading ? (
        <Loading />
      ) : organisation.error || !organisation.data ? (
        <Alert tone="error">{t("errors.loadFailed")}</Alert>
      ) : deletion ? (
        <DeletionScheduled deletion={deletion} name={organisation.data.name} />
      ) : (
        <div className="space-y-6">
          <GeneralSection organisation={organisation} />
          <LogoSection organisation={organisation} />
          {owner && <SecuritySection organisation={organisation} />}
          {owner && <SsoSettings />}
          <LeaveSection organisation={organisation} />
          {owner && <DangerZone organisation={organisation} onDeleted={setDeletion} />}
        </div>
      )}
    </>
  );
}
