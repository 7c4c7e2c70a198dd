"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button, FormAlert, TextField, linkStyles } from "@/components/ui";
import { login } from "@/lib/api/endpoints";
import { toFormErrors, type FormErrors } from "@/lib/api/errors";
import type { LoginResult } from "@/lib/api/types";

const FIELDS = ["email", "password"] as const;

export function LoginForm({ onSuccess, forgotHref }: { onSuccess: (result: LoginResult) => void; forgotHref?: string }) {
  const t = useTranslations("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitting(true);
    setErrors(null);
    try {
      onSuccess(await login(email, password));
    } catch (error) {
      const formErrors = toFormErrors(error, FIELDS);
      // One message for a wrong password and a non-member alike: the backend answers both with the same 401.
      if (formErrors.status === 401) formErrors.general = [t("invalid")];
      setErrors(formErrors);
      setSubmitting(false);
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5">
      <FormAlert errors={errors} />
      <TextField
        label={t("email")}
        type="email"
        name="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        errors={errors?.fields.email}
      />
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
      <Button type="submit" className="w-full" loading={submitting}>
        {submitting ? t("submitting") : t("submit")}
      </Button>
      {forgotHref && (
        <p className="text-center text-sm">
          <a className={linkStyles} href={forgotHref}>
            {t("forgot")}
          </a>
        </p>
      )}
    </form>
  );
}
