"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense, useState, type FormEvent } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, Button, FormAlert, TextField, linkStyles } from "@/components/ui";
import { resetPassword } from "@/lib/api/endpoints";
import { useAction } from "@/lib/useAction";

// `key` errors (invalid or expired link) are shown with a link to ask for a new one, not as a field.
const FIELDS = ["password", "key"] as const;

export interface ResetPasswordProps {
  /** Where "Sign in" points once the password is changed (when `onDone` is not given). */
  signInHref?: string;
  /** Where "Ask for a new link" points when the link is missing, invalid or expired. */
  forgotHref?: string;
  /**
   * What happens after the password was changed. Without it the card says so and links to `signInHref`; with it
   * (e.g. the public host sends the user to its sign-in page) the card is left to the caller.
   */
  onDone?: () => void;
}

/** The page a reset email links to (`/reset-password?key=...`): posts the key and the new password to allauth. */
function ResetPasswordCard({ signInHref = "/login", forgotHref = "/forgot-password", onDone }: ResetPasswordProps) {
  const t = useTranslations("resetPassword");
  const key = useSearchParams().get("key");
  const [password, setPassword] = useState("");
  // With `onDone` the button stays busy while the caller navigates away.
  const { run, busy: submitting, errors } = useAction({ fields: FIELDS, keepPendingOnSuccess: onDone !== undefined });
  const [done, setDone] = useState(false);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!key) return;
    void run(async () => {
      await resetPassword(key, password);
      if (onDone) onDone();
      else setDone(true);
    });
  }

  const requestNew = (
    <p className="mt-4 text-center text-sm">
      <a className={linkStyles} href={forgotHref}>
        {t("requestNew")}
      </a>
    </p>
  );

  if (!key) {
    return (
      <AuthCard title={t("title")}>
        <Alert tone="error">{t("missingKey")}</Alert>
        {requestNew}
      </AuthCard>
    );
  }
  if (done) {
    return (
      <AuthCard title={t("title")}>
        <Alert tone="success">{t("done")}</Alert>
        <p className="mt-4 text-center text-sm">
          <a className={linkStyles} href={signInHref}>
            {t("signIn")}
          </a>
        </p>
      </AuthCard>
    );
  }
  const keyErrors = errors?.fields.key;
  return (
    <AuthCard title={t("title")}>
      <form onSubmit={onSubmit} noValidate className="space-y-5">
        <FormAlert errors={errors} />
        {keyErrors && keyErrors.length > 0 && (
          <Alert tone="error">
            <ul className="space-y-1">
              {keyErrors.map((message) => (
                <li key={message}>{message}</li>
              ))}
            </ul>
          </Alert>
        )}
        <TextField
          label={t("password")}
          type="password"
          name="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={errors?.fields.password}
        />
        <Button type="submit" className="w-full" loading={submitting}>
          {submitting ? t("submitting") : t("submit")}
        </Button>
      </form>
      {keyErrors && keyErrors.length > 0 && requestNew}
    </AuthCard>
  );
}

export function ResetPasswordForm(props: ResetPasswordProps) {
  return (
    <Suspense>
      <ResetPasswordCard {...props} />
    </Suspense>
  );
}
