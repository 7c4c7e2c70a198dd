"use client";

import { useTranslations } from "next-intl";
import { LanguageSwitcher } from "@/components/LanguageSwitcher";
import { Alert, Button, Card, FormAlert, PageHeader } from "@/components/ui";
import { MfaSettings } from "@/features/mfa/MfaSettings";
import { ConnectedAccounts } from "@/features/social/ConnectedAccounts";
import { useOrg } from "@/features/org/OrgShell";
import { requestPasswordReset } from "@/lib/api/endpoints";
import { useAction } from "@/lib/useAction";

export default function ProfilePage() {
  const t = useTranslations();
  const { me, reloadMe, mfaSetupRequired } = useOrg();
  const { run, busy: sending, errors, notice: sent, setNotice } = useAction();

  function sendReset() {
    void run(async () => {
      await requestPasswordReset(me.email);
      setNotice(t("forgotPassword.sent", { email: me.email }));
    });
  }

  const rows = [
    [t("profile.name"), me.fullName || "—"],
    [t("profile.email"), me.email],
    [t("profile.role"), t(`roles.${me.role}`)],
    [t("profile.organisation"), `${me.tenant.name} (${me.tenant.subdomain})`],
  ] as const;

  return (
    <>
      <PageHeader title={t("profile.title")} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <dl className="divide-y divide-slate-100 dark:divide-slate-800">
            {rows.map(([label, value]) => (
              <div key={label} className="grid grid-cols-3 gap-4 py-3">
                <dt className="text-sm text-slate-600 dark:text-slate-400">{label}</dt>
                <dd className="col-span-2 text-sm font-medium text-slate-900 dark:text-slate-100">{value}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <div className="space-y-6">
          <MfaSettings email={me.email} organisation={me.tenant.name} required={mfaSetupRequired} onChanged={reloadMe} />
          <ConnectedAccounts email={me.email} />
          <Card title={t("profile.language")}>
            <LanguageSwitcher />
          </Card>
          <Card title={t("profile.changePassword")}>
            <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">{t("profile.changePasswordText")}</p>
            <FormAlert errors={errors} />
            {sent ? (
              <Alert tone="success">{sent}</Alert>
            ) : (
              <Button variant="secondary" loading={sending} onClick={sendReset}>
                {t("forgotPassword.submit")}
              </Button>
            )}
          </Card>
        </div>
      </div>
    </>
  );
}
