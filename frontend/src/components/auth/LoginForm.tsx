"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Button, FormAlert, TextField, linkStyles } from "@/components/ui";
import { login } from "@/lib/api/endpoints";
import type { LoginResult } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";

const FIELDS = ["email", "password"] as const;

export function LoginForm({ onSuccess, forgotHref }: { onSuccess: (result: LoginResult) => void; forgotHref?: string }) {
  const t = useTranslations("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const { run, busy: submitting, errors } = useAction({
    fields: FIELDS,
    keepPendingOnSuccess: true, // onSuccess navigates
    onError: (formErrors) => {
      // One message for a wrong password and a non-member alike: the backend answers both with the same 401.
      if (formErrors.status === 401) formErrors.general = [t("invalid")];
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => onSuccess(await login(email, password)));
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
