"use client";

import { isAxiosError } from "axios";
import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { Alert, Button, Card, FormAlert, TextField } from "@/components/ui";
import { AllauthLoginRefused, allauthLogin, authenticateWithCode, reauthenticate } from "@/features/mfa/allauth";
import { apiErrorCode, type FormErrors } from "@/lib/api/errors";
import { useAction } from "@/lib/useAction";
import { disconnectProviderAccount, listProviderAccounts, type ProviderAccount } from "./providers";

type View = "locked" | "code" | "list";

/**
 * The profile's connected provider accounts (GitHub, Google, OpenID Connect, SSO) and disconnecting one, through
 * allauth's headless `/account/providers` with an allauth session of its own: unlocked with the password (and
 * the second factor of an account with MFA) like the MFA section, with the same helpers (features/mfa/allauth.ts);
 * its token lives in this component's memory only. Connecting a new provider from here is not offered (it needs
 * allauth's token flow with `process: "connect"`): a provider connects itself when its verified email signs in.
 */
export function ConnectedAccounts({ email }: { email: string }) {
  const t = useTranslations("social");
  const tMfa = useTranslations("mfa");
  const [view, setView] = useState<View>("locked");
  const session = useRef<string | null>(null);
  const pendingPassword = useRef<string | null>(null);
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [accounts, setAccounts] = useState<ProviderAccount[]>([]);
  const lastError = useRef<unknown>(null);
  const { run, busy, pending, errors, notice, setNotice } = useAction<string>({
    fields: ["password", "code"],
    onError: (formErrors: FormErrors) => {
      const error = lastError.current;
      const errorCode = error instanceof AllauthLoginRefused ? "login_refused" : apiErrorCode(error);
      if (errorCode === "incorrect_code" || errorCode === "invalid_code") {
        formErrors.fields = { code: [tMfa("invalidCode")] };
        formErrors.general = [];
      } else if (errorCode === "incorrect_password" || errorCode === "email_password_mismatch") {
        formErrors.fields = { password: [tMfa("wrongPassword")] };
        formErrors.general = [];
      } else if (errorCode === "login_refused") {
        formErrors.general = [tMfa("unlockRefused")];
      }
    },
  });

  /** Runs an allauth call; an allauth session that is gone (401, 410) locks the section again. */
  function act(action: () => Promise<unknown>, key?: string) {
    return run(async () => {
      try {
        await action();
      } catch (error) {
        if (isAxiosError(error) && (error.response?.status === 401 || error.response?.status === 410) && session.current) {
          lock();
          setNotice(tMfa("sessionLost"));
          return;
        }
        lastError.current = error;
        throw error;
      }
    }, key);
  }

  function lock() {
    session.current = null;
    pendingPassword.current = null;
    setAccounts([]);
    setPassword("");
    setCode("");
    setView("locked");
  }

  async function showList() {
    setAccounts(await listProviderAccounts(session.current!));
    setView("list");
  }

  function unlock(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void act(async () => {
      const login = await allauthLogin(email, password);
      session.current = login.sessionToken;
      if (login.needsCode) {
        pendingPassword.current = password;
        setPassword("");
        setView("code");
        return;
      }
      // Disconnecting changes how the account signs in: allauth wants a recent authentication for it.
      await reauthenticate(login.sessionToken, password);
      setPassword("");
      await showList();
    });
  }

  function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void act(async () => {
      await authenticateWithCode(session.current!, code.replace(/\s+/g, ""));
      setCode("");
      await reauthenticate(session.current!, pendingPassword.current ?? "");
      pendingPassword.current = null;
      await showList();
    });
  }

  function disconnect(account: ProviderAccount) {
    void act(async () => {
      setAccounts(await disconnectProviderAccount(session.current!, account));
      setNotice(t("disconnected", { name: account.provider.name }));
    }, account.uid);
  }

  return (
    <Card title={t("connectedTitle")}>
      <div className="space-y-4">
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("connectedIntro")}</p>
        {notice && <Alert tone={view === "list" ? "success" : "info"}>{notice}</Alert>}
        {view === "locked" && (
          <form onSubmit={unlock} noValidate aria-label={t("connectedTitle")} className="space-y-4">
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("unlockText")}</p>
            <FormAlert errors={errors} />
            <TextField
              label={tMfa("password")}
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              errors={errors?.fields.password}
            />
            <Button type="submit" loading={busy} disabled={password === ""}>
              {tMfa("unlock")}
            </Button>
          </form>
        )}
        {view === "code" && (
          <form onSubmit={submitCode} noValidate aria-label={t("connectedTitle")} className="space-y-4">
            <p className="text-sm text-slate-600 dark:text-slate-400">{tMfa("unlockCodeText")}</p>
            <FormAlert errors={errors} />
            <TextField
              label={tMfa("codeLabel")}
              name="code"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.target.value)}
              errors={errors?.fields.code}
            />
            <div className="flex gap-2">
              <Button type="submit" loading={busy} disabled={code.trim() === ""}>
                {tMfa("verify")}
              </Button>
              <Button variant="ghost" onClick={lock}>
                {tMfa("cancel")}
              </Button>
            </div>
          </form>
        )}
        {view === "list" && (
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
