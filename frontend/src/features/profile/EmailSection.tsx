"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Alert, Button, Card, FormAlert, TextField } from "@/components/ui";
import { AllauthSessionLost } from "@/features/mfa/allauth";
import { AllauthUnlock } from "@/features/mfa/AllauthUnlock";
import { useAction } from "@/lib/useAction";
import { addEmail, listEmails, removeEmail, resendVerification, type EmailAddress } from "./email";

/**
 * Changing the account's email: the new address gets a link, and replaces the login only once the link is
 * opened (allauth's ACCOUNT_CHANGE_EMAIL); until then the old address signs in and the change can be resent
 * or withdrawn. Unlocked with the password, since the email is how the account signs in and resets.
 */
export function EmailSection({ email }: { email: string }) {
  const t = useTranslations("profile");
  const tMfa = useTranslations("mfa");
  const [session, setSession] = useState<string | null>(null);
  const [addresses, setAddresses] = useState<EmailAddress[]>([]);
  const [draft, setDraft] = useState("");
  const [lockNotice, setLockNotice] = useState<string | null>(null);
  const { run, busy, pending, errors, notice, setNotice } = useAction<string>({ fields: ["email"] });

  /** An allauth call; a session that is gone (or no longer recent) locks the section again. */
  function act(action: (token: string) => Promise<void>, key?: string) {
    return run(async () => {
      try {
        await action(session!);
      } catch (error) {
        if (error instanceof AllauthSessionLost) {
          setSession(null);
          setLockNotice(tMfa("sessionLost"));
          return;
        }
        throw error;
      }
    }, key);
  }

  async function unlocked(token: string) {
    setAddresses(await listEmails(token));
    setLockNotice(null);
    setSession(token);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = draft.trim();
    void act(async (token) => {
      setAddresses(await addEmail(token, address));
      setDraft("");
      setNotice(t("emailSent", { email: address }));
    }, "change");
  }

  const pendingChange = addresses.find((a) => !a.primary && a.email !== email);

  return (
    <Card title={t("emailTitle")}>
      <div className="space-y-4">
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("emailCurrent", { email })}</p>
        {lockNotice && <Alert tone="info">{lockNotice}</Alert>}
        {session === null ? (
          <AllauthUnlock email={email} label={t("emailTitle")} text={t("emailUnlockText")} onUnlocked={unlocked} />
        ) : (
          <>
            {notice && <Alert tone="success">{notice}</Alert>}
            {pendingChange && (
              <div className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-900">
                <p>{t("emailPending", { email: pendingChange.email })}</p>
                <div className="mt-2 flex flex-wrap gap-2">
                  <Button
                    variant="secondary"
                    loading={pending === "resend"}
                    disabled={busy}
                    onClick={() =>
                      void act(async (token) => {
                        await resendVerification(token, pendingChange.email);
                        setNotice(t("emailSent", { email: pendingChange.email }));
                      }, "resend")
                    }
                  >
                    {t("emailResend")}
                  </Button>
                  <Button
                    variant="ghost"
                    loading={pending === "withdraw"}
                    disabled={busy}
                    onClick={() =>
                      void act(async (token) => {
                        setAddresses(await removeEmail(token, pendingChange.email));
                        setNotice(t("emailWithdrawn"));
                      }, "withdraw")
                    }
                  >
                    {t("emailWithdraw")}
                  </Button>
                </div>
              </div>
            )}
            <form onSubmit={submit} noValidate aria-label={t("emailChange")} className="space-y-4">
              <FormAlert errors={errors} />
              <TextField
                label={t("emailNew")}
                type="email"
                name="email"
                autoComplete="email"
                required
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                errors={errors?.fields.email}
              />
              <Button type="submit" loading={pending === "change"} disabled={busy || draft.trim() === ""}>
                {t("emailChange")}
              </Button>
            </form>
          </>
        )}
      </div>
    </Card>
  );
}
