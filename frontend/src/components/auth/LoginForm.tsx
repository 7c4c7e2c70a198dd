"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { Alert, Button, FormAlert, TextField, linkStyles } from "@/components/ui";
import { MfaChallengeStep, type ChallengeEnd } from "@/features/mfa/MfaChallengeStep";
import { PasskeySignIn } from "@/features/mfa/PasskeySignIn";
import { ProviderButtons } from "@/features/social/ProviderButtons";
import { SocialLoginError } from "@/features/social/SocialLoginError";
import { challengeFromParams } from "@/features/social/providers";
import { apiErrorCode } from "@/lib/api/errors";
import { isMfaChallenge, login } from "@/lib/api/endpoints";
import type { LoginResult, MfaChallenge } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";

const FIELDS = ["email", "password"] as const;

export function LoginForm({
  onSuccess,
  forgotHref,
  passkey = false,
}: {
  onSuccess: (result: LoginResult) => void;
  forgotHref?: string;
  /** Offer "Sign in with a passkey" (an organisation's sign-in page: its passkeys are for its host). */
  passkey?: boolean;
}) {
  const t = useTranslations("login");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  // A provider login comes back here with `?error=<code>`, or `?mfaToken=&methods=` for an account with MFA.
  const params = useSearchParams();
  const socialError = params?.get("error") ?? null;
  // An account with MFA: the password step answered a challenge, the code step is shown instead of the form.
  const [challenge, setChallenge] = useState<MfaChallenge | null>(() => (params ? challengeFromParams(params) : null));
  // The organisation signs its members in with SSO (403 `sso_required`): point at its button instead.
  const [ssoRequired, setSsoRequired] = useState(false);
  const [restarted, setRestarted] = useState<ChallengeEnd | null>(null);
  const [navigating, setNavigating] = useState(false); // onSuccess navigates: the button says so until it has
  const tMfa = useTranslations("mfa");
  const { run, busy, errors } = useAction({
    fields: FIELDS,
    onError: (formErrors) => {
      // One message for a wrong password and a non-member alike: the backend answers both with the same 401.
      if (formErrors.status === 401) formErrors.general = [t("invalid")];
    },
  });

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setRestarted(null);
    setSsoRequired(false);
    void run(async () => {
      let result;
      try {
        result = await login(email, password);
      } catch (error) {
        if (apiErrorCode(error) !== "sso_required") throw error;
        setPassword("");
        setSsoRequired(true);
        return;
      }
      if (isMfaChallenge(result)) {
        setPassword("");
        setChallenge(result);
        return;
      }
      setNavigating(true);
      onSuccess(result);
    });
  }

  if (challenge) {
    return (
      <MfaChallengeStep
        challenge={challenge}
        onSuccess={onSuccess}
        onRestart={(reason) => {
          setChallenge(null);
          setRestarted(reason);
        }}
      />
    );
  }

  const submitting = busy || navigating;
  return (
    <>
      <ProviderButtons ssoRequired={ssoRequired} />
      {passkey && (
        <PasskeySignIn
          onSuccess={(result) => {
            setNavigating(true);
            onSuccess(result);
          }}
          onSsoRequired={() => setSsoRequired(true)}
        />
      )}
      <form onSubmit={onSubmit} noValidate className="space-y-5">
        {socialError && !ssoRequired && <SocialLoginError code={socialError} />}
        {restarted && <Alert tone="warning">{tMfa(restarted)}</Alert>}
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
    </>
  );
}
