"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense, useEffect, useId, useState, type FormEvent } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, Button, FormAlert, Loading, TextField } from "@/components/ui";
import { acceptInvitation, previewInvitation } from "@/lib/api/endpoints";
import type { InvitationPreview } from "@/lib/api/types";
import { PasswordRules } from "@/features/signup/PasswordRules";
import { ProviderButtons } from "@/features/social/ProviderButtons";
import { useAction } from "@/lib/useAction";

const FIELDS = ["password", "fullName"] as const;

function AcceptInvite() {
  const t = useTranslations();
  const router = useRouter();
  const token = useSearchParams().get("token");
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [invalid, setInvalid] = useState(false);
  const [fullName, setFullName] = useState("");
  const [password, setPassword] = useState("");
  const rulesId = useId();
  const { run, busy: submitting, errors } = useAction({
    fields: FIELDS,
    keepPendingOnSuccess: true, // signed in: on to the organisation's dashboard
    onError: (formErrors) => {
      if (formErrors.status === 404) setInvalid(true);
    },
  });

  useEffect(() => {
    if (!token) return;
    previewInvitation(token).then(setPreview, () => setInvalid(true));
  }, [token]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!token || !preview) return;
    void run(async () => {
      await acceptInvitation({ token, password, fullName: preview.accountExists ? undefined : fullName || undefined });
      router.replace("/");
    });
  }

  if (!token) {
    return (
      <AuthCard title={t("acceptInvite.title", { organisation: "" })}>
        <Alert tone="error">{t("acceptInvite.missingToken")}</Alert>
      </AuthCard>
    );
  }
  if (invalid) {
    return (
      <AuthCard title={t("acceptInvite.title", { organisation: "" })}>
        <Alert tone="error">{t("acceptInvite.invalid")}</Alert>
      </AuthCard>
    );
  }
  if (!preview) return <Loading />;

  const existing = preview.accountExists;
  return (
    <AuthCard
      title={t("acceptInvite.title", { organisation: preview.organisationName })}
      subtitle={t("acceptInvite.subtitle", { role: preview.role })}
    >
      {/* A provider sign-in lands on /login when it fails (e.g. not yet a member: the password form accepts). */}
      <ProviderButtons />
      <form onSubmit={onSubmit} noValidate className="space-y-5">
        <p className="text-sm text-slate-700 dark:text-slate-300">{existing ? t("acceptInvite.existingAccount") : t("acceptInvite.newAccount")}</p>
        <FormAlert errors={errors} />
        <TextField label={t("acceptInvite.email")} type="email" value={preview.email} readOnly autoComplete="username" />
        {!existing && (
          <TextField
            label={t("acceptInvite.fullName")}
            autoComplete="name"
            value={fullName}
            onChange={(e) => setFullName(e.target.value)}
            errors={errors?.fields.fullName}
          />
        )}
        <TextField
          label={existing ? t("acceptInvite.passwordExisting") : t("acceptInvite.password")}
          type="password"
          autoComplete={existing ? "current-password" : "new-password"}
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={errors?.fields.password}
          // The same rules as signup's, ticked while typing (an existing account's password is not checked).
          statusId={existing ? undefined : rulesId}
          status={existing ? undefined : <PasswordRules id={rulesId} password={password} email={preview.email} />}
        />
        <Button type="submit" className="w-full" loading={submitting}>
          {submitting ? t("acceptInvite.submitting") : existing ? t("acceptInvite.submitExisting") : t("acceptInvite.submitNew")}
        </Button>
      </form>
    </AuthCard>
  );
}

export default function Page() {
  return (
    <Suspense>
      <AcceptInvite />
    </Suspense>
  );
}
