"use client";

import { isAxiosError } from "axios";
import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Alert, Button, Card, FormAlert } from "@/components/ui";
import { AllauthUnlock } from "@/features/mfa/AllauthUnlock";
import { useAction } from "@/lib/useAction";
import {
  connectErrorKey,
  createConnectToken,
  disconnectProviderAccount,
  isSsoProvider,
  listProviderAccounts,
  listProviders,
  submitConnect,
  type Provider,
  type ProviderAccount,
} from "./providers";

/**
 * The profile's connected provider accounts (GitHub, Google, OpenID Connect, SSO): connecting one and
 * disconnecting one, through allauth's headless `/account/providers` with an allauth session of its own,
 * unlocked with the password (and the second factor of an account with MFA: features/mfa/AllauthUnlock.tsx);
 * its token lives in this component's memory only. "Connect <provider>" (each provider of the sign-in buttons
 * not connected yet, never the organisation's SSO) asks this host for a single-use connect token bound to the
 * signed-in member, then posts allauth's redirect form with `process=connect`: the browser goes to the provider
 * and comes back to /profile with `?connected=<provider id>` or `?error=<code>` (the `connected`/`error` props).
 */
export function ConnectedAccounts({
  email,
  connected = null,
  error = null,
}: {
  email: string;
  /** `?connected=`: the provider id a connect just added. */
  connected?: string | null;
  /** `?error=`: why a connect came back without connecting. */
  error?: string | null;
}) {
  const t = useTranslations("social");
  const tMfa = useTranslations("mfa");
  const [session, setSession] = useState<string | null>(null);
  const [lockNotice, setLockNotice] = useState<string | null>(null);
  const [accounts, setAccounts] = useState<ProviderAccount[]>([]);
  const [available, setAvailable] = useState<Provider[]>([]);
  const { run, busy, pending, errors, notice, setNotice } = useAction<string>();
  // The page navigates away on success: the button keeps its spinner until it has.
  const connecting = useAction<string>({ keepPendingOnSuccess: true });

  useEffect(() => {
    // Back from a connect: the notice names the provider before the section is unlocked.
    if (!connected) return;
    const controller = new AbortController();
    listProviders(controller.signal).then((providers) => setAvailable(providers.filter((p) => !isSsoProvider(p))), () => undefined);
    return () => controller.abort();
  }, [connected]);

  async function unlocked(token: string) {
    const [connectedAccounts, providers] = await Promise.all([
      listProviderAccounts(token),
      // The configuration unreadable: the list still shows, with nothing to connect.
      listProviders().catch(() => [] as Provider[]),
    ]);
    setAccounts(connectedAccounts);
    setAvailable(providers.filter((p) => !isSsoProvider(p)));
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

  function connect(provider: Provider) {
    void connecting.run(async () => submitConnect(provider, await createConnectToken()), provider.id);
  }

  const unconnected = available.filter((p) => !accounts.some((a) => a.provider.id === p.id));
  // The id until the configuration has loaded.
  const connectedName =
    accounts.find((a) => a.provider.id === connected)?.provider.name ?? available.find((p) => p.id === connected)?.name;

  return (
    <Card title={t("connectedTitle")}>
      <div className="space-y-4">
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("connectedIntro")}</p>
        {error && <Alert tone="error">{t(`connectErrors.${connectErrorKey(error)}`)}</Alert>}
        {connected && !error && <Alert tone="success">{t("connectedNotice", { name: connectedName ?? connected })}</Alert>}
        {lockNotice && <Alert tone="info">{lockNotice}</Alert>}
        {session === null && (
          <AllauthUnlock email={email} label={t("connectedTitle")} text={t("unlockText")} onUnlocked={unlocked} />
        )}
        {session !== null && notice && <Alert tone="success">{notice}</Alert>}
        {session !== null && (
          <>
            <FormAlert errors={errors} />
            <FormAlert errors={connecting.errors} />
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
            {unconnected.length > 0 && (
              <div className="flex flex-wrap gap-2">
                {unconnected.map((provider) => (
                  <Button
                    key={provider.id}
                    variant="secondary"
                    loading={connecting.pending === provider.id}
                    disabled={busy || connecting.busy}
                    onClick={() => connect(provider)}
                  >
                    {t("connect", { name: provider.name })}
                  </Button>
                ))}
              </div>
            )}
          </>
        )}
      </div>
    </Card>
  );
}
