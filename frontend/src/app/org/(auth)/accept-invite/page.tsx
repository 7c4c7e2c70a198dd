"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense, useEffect, useId, useState, useSyncExternalStore, type FormEvent } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, Button, FormAlert, Loading, TextField } from "@/components/ui";
import { acceptInvitation, isMfaChallenge, previewInvitation } from "@/lib/api/endpoints";
import type { InvitationPreview } from "@/lib/api/types";
import { PasswordRules } from "@/features/signup/PasswordRules";
import { ProviderButtons } from "@/features/social/ProviderButtons";
import { SocialLoginError } from "@/features/social/SocialLoginError";
import { useAction } from "@/lib/useAction";

const FIELDS = ["password", "fullName"] as const;
const REMEMBERED = "kit.acceptInvite.token";

/**
 * A provider sign-in started here comes back to `/accept-invite?error=<code>` when it did not accept (the token
 * never travels through the flow's URLs: the backend carries the invitation in its signed state), so the page
 * keeps this tab's token (sessionStorage) to show the invitation again, with the reason.
 */
function remember(token: string) {
  try {
    window.sessionStorage.setItem(REMEMBERED, token);
  } catch {
    // storage refused (private mode): a refused provider sign-in then shows its reason alone
  }
}

function forgetToken() {
  try {
    window.sessionStorage.removeItem(REMEMBERED);
  } catch {
    // nothing was kept
  }
}

function readRemembered(): string | null {
  try {
    return window.sessionStorage.getItem(REMEMBERED);
  } catch {
    return null;
  }
}

const noSubscription = () => () => {};

function AcceptInvite() {
  const t = useTranslations();
  const router = useRouter();
  const params = useSearchParams();
  const urlToken = params.get("token");
  const socialError = params.get("error");
  // undefined while rendering on the server (sessionStorage is the browser's): a token-less return is loading.
  const remembered = useSyncExternalStore(noSubscription, readRemembered, () => undefined);
  useEffect(() => {
    if (urlToken) remember(urlToken);
  }, [urlToken]);
  const token = urlToken ?? (socialError ? (remembered ?? null) : null);
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
      const result = await acceptInvitation({ token, password, fullName: preview.accountExists ? undefined : fullName || undefined });
      forgetToken();
      if (isMfaChallenge(result)) {
        // Joined; the account's second factor still stands between the password and the tokens: the sign-in
        // page's code step takes it, as after a provider login of an account with MFA.
        const params = new URLSearchParams({ mfaToken: result.mfaToken, methods: result.methods.join(",") });
        router.replace(`/login?${params.toString()}`);
        return;
      }
      router.replace("/");
    });
  }

  if (!urlToken && socialError && remembered === undefined) return <Loading />;
  if (!token) {
    return (
      <AuthCard title={t("acceptInvite.title", { organisation: "" })}>
        {socialError ? <SocialLoginError code={socialError} /> : <Alert tone="error">{t("acceptInvite.missingToken")}</Alert>}
      </AuthCard>
    );
  }
  if (invalid) {
    return (
      <AuthCard title={t("acceptInvite.title", { organisation: "" })}>
        <div className="space-y-4">
          {/* A provider's "no longer valid" says what the page's own message says: that one only. */}
          {socialError && socialError !== "invitation_invalid" && <SocialLoginError code={socialError} />}
          <Alert tone="error">{t("acceptInvite.invalid")}</Alert>
        </div>
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
      {/* Signing in with a provider whose verified email is the invited one accepts; a refusal comes back here. */}
      <ProviderButtons callbackPath="/accept-invite" invitation={token} />
      <form onSubmit={onSubmit} noValidate className="space-y-5">
        {socialError && <SocialLoginError code={socialError} />}
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
