"use client";

import { isAxiosError } from "axios";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Alert, Button, Card, FormAlert } from "@/components/ui";
import { AllauthUnlock } from "@/features/profile/AllauthUnlock";
import { useAction } from "@/lib/useAction";
import { disconnectProviderAccount, listProviderAccounts, type ProviderAccount } from "./providers";

/**
 * The profile's connected provider accounts (GitHub, Google, OpenID Connect, SSO) and disconnecting one, through
 * allauth's headless `/account/providers` with an allauth session of its own, unlocked with the password (and
 * the second factor of an account with MFA: features/profile/AllauthUnlock.tsx); its token lives in this
 * component's memory only. Connecting a new provider from here is not offered (it needs allauth's token flow
 * with `process: "connect"`): a provider connects itself when its verified email signs in.
 */
export function ConnectedAccounts({ email }: { email: string }) {
  const t = useTranslations("social");
  const tMfa = useTranslations("mfa");
  const [session, setSession] = useState<string | null>(null);
  const [lockNotice, setLockNotice] = useState<string | null>(null);
  const [accounts, setAccounts] = useState<ProviderAccount[]>([]);
  const { run, busy, pending, errors, notice, setNotice } = useAction<string>();

  async function unlocked(token: string) {
    setAccounts(await listProviderAccounts(token));
    setLockNotice(null);
    setSession(token);
  }

  function disconnect(account: ProviderAccount) {
    void run(async () => {
      try {
        setAccounts(await disconnectProviderAccount(session!, account));
        setNotice(t("disconnected", { name: account.provider.name }));
      } catch (error) {
        // The allauth session is gone (401, 410) or no longer recent: lock the section again.
        if (isAxiosError(error) && (error.response?.status === 401 || error.response?.status === 410)) {
          setSession(null);
          setAccounts([]);
          setLockNotice(tMfa("sessionLost"));
          return;
        }
        throw error;
      }
    }, account.uid);
  }

  return (
    <Card title={t("connectedTitle")}>
      <div className="space-y-4">
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("connectedIntro")}</p>
        {lockNotice && <Alert tone="info">{lockNotice}</Alert>}
        {session === null && (
          <AllauthUnlock email={email} label={t("connectedTitle")} text={t("unlockText")} onUnlocked={unlocked} />
        )}
        {session !== null && notice && <Alert tone="success">{notice}</Alert>}
        {session !== null && (
          <>
            <FormAlert errors={errors} />
            {accounts.length === 0 ? (
              <p className="text-sm text-slate-600 dark:text-slate-400">{t("noneConnected")}</p>
            ) : (
              <ul aria-label={t("connectedTitle")} className="divide-y divide-slate-100 dark:divide-slate-800">
                {accounts.map((account) => (
                  <li key={`${account.provider.id}:${account.uid}`} className="flex items-center justify-between gap-4 py-2">
                    <span className="text-sm">
                      <span className="font-medium text-slate-900 dark:text-slate-100">{account.provider.name}</span>{" "}
                      <span className="text-slate-600 dark:text-slate-400">{account.display}</span>
                    </span>
                    <Button
                      variant="secondary"
                      loading={pending === account.uid}
                      disabled={busy}
                      onClick={() => disconnect(account)}
                      aria-label={t("disconnectLabel", { name: account.provider.name, account: account.display })}
                    >
                      {t("disconnect")}
                    </Button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </Card>
  );
}
