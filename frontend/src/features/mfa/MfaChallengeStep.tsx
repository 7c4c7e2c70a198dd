"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button, FormAlert, TextField } from "@/components/ui";
import { verifyMfa } from "@/lib/api/endpoints";
import { apiErrorCode } from "@/lib/api/errors";
import type { LoginResult, MfaChallenge } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";

/** Why the challenge ended without tokens: the person starts again from the password step. */
export type ChallengeEnd = "expired" | "attemptsExceeded" | "tokenInvalid";

const END_BY_CODE: Record<string, ChallengeEnd> = {
  mfa_token_expired: "expired",
  mfa_attempts_exceeded: "attemptsExceeded",
  mfa_token_invalid: "tokenInvalid",
};

/** A TOTP code as typed or pasted ("123 456") -> "123456"; a recovery code only trimmed. */
function normalise(code: string, mode: "totp" | "recovery"): string {
  return mode === "totp" ? code.replace(/\s+/g, "") : code.trim();
}

/**
 * The second step of a sign-in with MFA: a code from the authenticator app (or a recovery code) for the
 * challenge the password step answered. A wrong code keeps the step; a challenge that is over (expired, too
 * many attempts, already used: 401) sends the person back to the password step through `onRestart`.
 */
export function MfaChallengeStep({
  challenge,
  onSuccess,
  onRestart,
}: {
  challenge: MfaChallenge;
  onSuccess: (result: LoginResult) => void;
  onRestart: (reason: ChallengeEnd | null) => void;
}) {
  const t = useTranslations("mfa");
  const hasTotp = challenge.methods.includes("totp");
  const hasRecovery = challenge.methods.includes("recovery_codes");
  const [mode, setMode] = useState<"totp" | "recovery">(hasTotp || !hasRecovery ? "totp" : "recovery");
  const [code, setCode] = useState("");
  const [navigating, setNavigating] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const { run, busy, errors } = useAction({
    fields: ["code"],
    onError: (formErrors) => {
      if (formErrors.status === 400) {
        // allauth's checks answer `invalid_code` on the `code` field: say it in the page's language.
        formErrors.fields = { code: [t("invalidCode")] };
        formErrors.general = [];
      }
    },
  });

  useEffect(() => {
    input.current?.focus();
  }, [mode]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      try {
        const result = await verifyMfa(challenge.mfaToken, normalise(code, mode));
        setNavigating(true);
        onSuccess(result);
      } catch (error) {
        const end = END_BY_CODE[apiErrorCode(error) ?? ""];
        if (end) {
          onRestart(end);
          return;
        }
        throw error;
      }
    });
  }

  function switchMode() {
    setMode(mode === "totp" ? "recovery" : "totp");
    setCode("");
  }

  const totp = mode === "totp";
  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="mfa-challenge-title" className="space-y-5">
      <div>
        <h2 id="mfa-challenge-title" className="text-base font-semibold text-slate-900">
          {t("challengeTitle")}
        </h2>
        <p className="mt-1 text-sm text-slate-600">{totp ? t("challengeTotp") : t("challengeRecovery")}</p>
      </div>
      <FormAlert errors={errors} />
      <TextField
        ref={input}
        key={mode}
        label={totp ? t("codeLabel") : t("recoveryCodeLabel")}
        name="code"
        type="text"
        required
        autoComplete={totp ? "one-time-code" : "off"}
        inputMode={totp ? "numeric" : "text"}
        pattern={totp ? "[0-9 ]*" : undefined}
        maxLength={totp ? 7 : 64}
        autoCapitalize="none"
        spellCheck={false}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        errors={errors?.fields.code}
      />
      <Button type="submit" className="w-full" loading={busy || navigating} disabled={normalise(code, mode) === ""}>
        {busy || navigating ? t("verifying") : t("verify")}
      </Button>
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        {hasTotp && hasRecovery && (
          <Button variant="ghost" onClick={switchMode}>
            {totp ? t("useRecovery") : t("useTotp")}
          </Button>
        )}
        <Button variant="ghost" onClick={() => onRestart(null)}>
          {t("back")}
        </Button>
      </div>
    </form>
  );
}
