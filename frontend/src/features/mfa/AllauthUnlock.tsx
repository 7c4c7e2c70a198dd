"use client";

import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { Alert, Button, FormAlert, TextField } from "@/components/ui";
import { apiErrorCode, type FormErrors } from "@/lib/api/errors";
import { useAction } from "@/lib/useAction";
import { AllauthLoginRefused, allauthLogin, authenticateWithCode, reauthenticate } from "./allauth";

/**
 * Unlocks a profile section that changes how the account signs in (its email, its connected providers, its
 * second factors: MfaSettings): the password (then the second factor, for an account with MFA) opens an allauth
 * session and makes it recent, as allauth wants for such changes. The session token goes to `onUnlocked` and is
 * kept in memory by the section.
 */
/**
 * allauth's error codes, as the MFA and unlock forms show them: a wrong code or password on its field, a refused
 * login or an unverified address as the form's message. Other codes keep the messages useAction made.
 */
export function mapAllauthErrors(formErrors: FormErrors, errorCode: string | null | undefined, t: (key: string) => string) {
  if (errorCode === "incorrect_code" || errorCode === "invalid_code") {
    formErrors.fields = { code: [t("invalidCode")] };
    formErrors.general = [];
  } else if (errorCode === "incorrect_password" || errorCode === "email_password_mismatch") {
    formErrors.fields = { password: [t("wrongPassword")] };
    formErrors.general = [];
  } else if (errorCode === "login_refused") {
    formErrors.general = [t("unlockRefused")];
  } else if (errorCode === "unverified_email") {
    formErrors.fields = {};
    formErrors.general = [t("unverifiedEmail")];
  }
}

export function AllauthUnlock({
  email,
  label,
  text,
  notice = null,
  onUnlocked,
}: {
  email: string;
  /** The form's accessible name: the section's title. */
  label: string;
  text: string;
  /** Why the section is locked (e.g. its session was lost), above the password form until the password is sent. */
  notice?: string | null;
  onUnlocked: (sessionToken: string) => Promise<void>;
}) {
  const t = useTranslations("mfa");
  const [step, setStep] = useState<"password" | "code">("password");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  const [noticeShown, setNoticeShown] = useState(true);
  const session = useRef<string | null>(null);
  const pendingPassword = useRef<string>("");
  const lastError = useRef<unknown>(null);
  const { run, busy, errors } = useAction({
    fields: ["password", "code"],
    onError: (formErrors: FormErrors) => {
      const error = lastError.current;
      const errorCode = error instanceof AllauthLoginRefused ? "login_refused" : apiErrorCode(error);
      mapAllauthErrors(formErrors, errorCode, t);
    },
  });

  function attempt(action: () => Promise<void>) {
    return run(async () => {
      try {
        await action();
      } catch (error) {
        lastError.current = error;
        throw error;
      }
    });
  }

  function submitPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNoticeShown(false);
    void attempt(async () => {
      const login = await allauthLogin(email, password);
      session.current = login.sessionToken;
      if (login.needsCode) {
        pendingPassword.current = password;
        setPassword("");
        setStep("code");
        return;
      }
      await reauthenticate(login.sessionToken, password);
      setPassword("");
      await onUnlocked(login.sessionToken);
    });
  }

  function submitCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void attempt(async () => {
      await authenticateWithCode(session.current!, code.replace(/\s+/g, ""));
      setCode("");
      await reauthenticate(session.current!, pendingPassword.current);
      pendingPassword.current = "";
      await onUnlocked(session.current!);
    });
  }

  if (step === "code") {
    return (
      <form onSubmit={submitCode} noValidate aria-label={label} className="space-y-4">
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("unlockCodeText")}</p>
        <FormAlert errors={errors} />
        <TextField
          label={t("codeLabel")}
          name="code"
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={code}
          onChange={(e) => setCode(e.target.value)}
          errors={errors?.fields.code}
        />
        <div className="flex gap-2">
          <Button type="submit" loading={busy} disabled={code.trim() === ""}>
            {t("verify")}
          </Button>
          <Button
            variant="ghost"
            onClick={() => {
              session.current = null;
              pendingPassword.current = "";
              setCode("");
              setStep("password");
            }}
          >
            {t("cancel")}
          </Button>
        </div>
      </form>
    );
  }
  return (
    <form onSubmit={submitPassword} noValidate aria-label={label} className="space-y-4">
      {notice && noticeShown && <Alert tone="info">{notice}</Alert>}
      <p className="text-sm text-slate-600 dark:text-slate-400">{text}</p>
      <FormAlert errors={errors} />
      <TextField
        label={t("password")}
        type="password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        errors={errors?.fields.password}
      />
      <Button type="submit" loading={busy} disabled={password === ""}>
        {t("unlock")}
      </Button>
    </form>
  );
}
