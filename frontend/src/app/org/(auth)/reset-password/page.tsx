"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense, useState, type FormEvent } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, Button, FormAlert, TextField, linkStyles } from "@/components/ui";
import { resetPassword } from "@/lib/api/endpoints";
import { toFormErrors, type FormErrors } from "@/lib/api/errors";

function ResetPassword() {
  const t = useTranslations("resetPassword");
  const key = useSearchParams().get("key");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!key) return;
    setSubmitting(true);
    setErrors(null);
    try {
      await resetPassword(key, password);
      setDone(true);
    } catch (error) {
      setErrors(toFormErrors(error, ["password"]));
    } finally {
      setSubmitting(false);
    }
  }

  if (!key) {
    return (
      <AuthCard title={t("title")}>
        <Alert tone="error">{t("missingKey")}</Alert>
        <p className="mt-4 text-center text-sm">
          <a className={linkStyles} href="/forgot-password">
            {t("requestNew")}
          </a>
        </p>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("title")}>
      {done ? (
        <>
          <Alert tone="success">{t("done")}</Alert>
          <p className="mt-4 text-center text-sm">
            <a className={linkStyles} href="/login">
              {t("signIn")}
            </a>
          </p>
        </>
      ) : (
        <form onSubmit={onSubmit} noValidate className="space-y-5">
          <FormAlert errors={errors} />
          <TextField
            label={t("password")}
            type="password"
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
      )}
    </AuthCard>
  );
}

export default function Page() {
  return (
    <Suspense>
      <ResetPassword />
    </Suspense>
  );
}
