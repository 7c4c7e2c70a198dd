"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, Button, FormAlert, TextField, linkStyles } from "@/components/ui";
import { requestPasswordReset } from "@/lib/api/endpoints";
import { useAction } from "@/lib/useAction";

/**
 * "Forgot your password?": asks allauth to email a reset link. Shared by the public host and organisation hosts;
 * the backend puts the link on the host the request came from, so the page itself is the same on both.
 */
export function ForgotPasswordForm({ signInHref = "/login" }: { signInHref?: string }) {
  const t = useTranslations("forgotPassword");
  const [email, setEmail] = useState("");
  const { run, busy: submitting, errors } = useAction({ fields: ["email"] });
  const [sentTo, setSentTo] = useState<string | null>(null);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      await requestPasswordReset(email);
      setSentTo(email);
    });
  }

  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      {sentTo ? (
        <Alert tone="success">{t("sent", { email: sentTo })}</Alert>
      ) : (
        <form onSubmit={onSubmit} noValidate className="space-y-5">
          <FormAlert errors={errors} />
          <TextField
            label={t("email")}
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            errors={errors?.fields.email}
          />
          <Button type="submit" className="w-full" loading={submitting}>
            {submitting ? t("submitting") : t("submit")}
          </Button>
        </form>
      )}
      <p className="mt-4 text-center text-sm">
        <a className={linkStyles} href={signInHref}>
          {t("back")}
        </a>
      </p>
    </AuthCard>
  );
}
