"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { LanguageSwitcher } from "@/components/LanguageSwitcher";
import { Card, PageHeader } from "@/components/ui";
import { MfaSettings } from "@/features/mfa/MfaSettings";
import { AvatarSection } from "@/features/profile/AvatarSection";
import { EmailSection } from "@/features/profile/EmailSection";
import { NameSection } from "@/features/profile/NameSection";
import { PasswordSection } from "@/features/profile/PasswordSection";
import { SessionsSection } from "@/features/profile/SessionsSection";
import { ConnectedAccounts } from "@/features/social/ConnectedAccounts";
import { useOrg } from "@/features/org/OrgShell";

export default function ProfilePage() {
  const t = useTranslations();
  const { me, reloadMe, mfaSetupRequired } = useOrg();
  // A provider connect comes back here (features/social/ConnectedAccounts.tsx).
  const params = useSearchParams();

  const rows = [
    [t("profile.role"), t(`roles.${me.role}`)],
    [t("profile.organisation"), `${me.tenant.name} (${me.tenant.subdomain})`],
  ] as const;

  return (
    <>
      <PageHeader title={t("profile.title")} />
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="min-w-0 space-y-6">
          <AvatarSection me={me} />
          <NameSection me={me} />
          <EmailSection email={me.email} />
          <Card>
            <dl className="divide-y divide-slate-100 dark:divide-slate-800">
              {rows.map(([label, value]) => (
                <div key={label} className="grid grid-cols-3 gap-4 py-3">
                  <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
                  <dd className="col-span-2 text-sm font-medium break-words text-slate-900 dark:text-slate-100">{value}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card title={t("profile.language")}>
            <LanguageSwitcher />
          </Card>
        </div>
        <div className="min-w-0 space-y-6">
          <MfaSettings email={me.email} organisation={me.tenant.name} required={mfaSetupRequired} onChanged={reloadMe} />
          <PasswordSection email={me.email} />
          <SessionsSection />
          <ConnectedAccounts email={me.email} connected={params.get("connected")} error={params.get("error")} />
        </div>
      </div>
    </>
  );
}
