"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button, FormAlert, TextField } from "@/components/ui";
import { passkeyOptions, verifyMfa, verifyMfaPasskey } from "@/lib/api/endpoints";
import { apiErrorCode } from "@/lib/api/errors";
import type { LoginResult, MfaChallenge } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { getPasskey, isCeremonyError, passkeysSupported, type RequestOptionsJson } from "./webauthn";

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

type Mode = "totp" | "recovery" | "passkey";

/**
 * The second step of a sign-in with MFA: a passkey, a code from the authenticator app or a recovery code for
 * the challenge the password step answered. A wrong code keeps the step; a challenge that is over (expired, too
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
  // A passkey is offered first when the account has one and this browser can use it.
  const hasPasskey = challenge.methods.includes("webauthn") && passkeysSupported();
  const codeMode: Mode = hasTotp || !hasRecovery ? "totp" : "recovery";
  const [mode, setMode] = useState<Mode>(hasPasskey ? "passkey" : codeMode);
  const lastError = useRef<unknown>(null);
  const [code, setCode] = useState("");
  const [navigating, setNavigating] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const { run, busy, errors } = useAction({
    fields: ["code"],
    onError: (formErrors) => {
      if (isCeremonyError(lastError.current)) {
        // Cancelled in the browser's passkey dialog, or no passkey of this account on this device.
        formErrors.fields = {};
        formErrors.general = [t("passkeyFailed")];
      } else if (formErrors.status === 400 && lastError.current === "passkey") {
        formErrors.fields = {};
        formErrors.general = [t("passkeyInvalid")];
      } else if (formErrors.status === 400) {
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
    const passkey = mode === "passkey";
    lastError.current = passkey ? "passkey" : null;
    void run(async () => {
      try {
        let result: LoginResult;
        if (passkey) {
          const options = await passkeyOptions(challenge.mfaToken);
          // The browser's own dialog: fingerprint, face, screen lock or security key.
          const credential = await getPasskey(options as unknown as RequestOptionsJson);
          result = await verifyMfaPasskey(challenge.mfaToken, credential);
        } else {
          result = await verifyMfa(challenge.mfaToken, normalise(code, mode === "recovery" ? "recovery" : "totp"));
        }
        setNavigating(true);
        onSuccess(result);
      } catch (error) {
        const end = END_BY_CODE[apiErrorCode(error) ?? ""];
        if (end) {
          onRestart(end);
          return;
        }
        if (isCeremonyError(error)) lastError.current = error;
        throw error;
      }
    });
  }

  function switchMode(next: Mode) {
    setMode(next);
    setCode("");
  }

  const totp = mode === "totp";
  const passkey = mode === "passkey";
  const codeForm = (
    <>
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
      <Button type="submit" className="w-full" loading={busy || navigating} disabled={normalise(code, totp ? "totp" : "recovery") === ""}>
        {busy || navigating ? t("verifying") : t("verify")}
      </Button>
    </>
  );
  return (
    <form onSubmit={onSubmit} noValidate aria-labelledby="mfa-challenge-title" className="space-y-5">
      <div>
        <h2 id="mfa-challenge-title" className="text-base font-semibold text-slate-900 dark:text-slate-100">
          {t("challengeTitle")}
        </h2>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {passkey ? t("challengePasskey") : totp ? t("challengeTotp") : t("challengeRecovery")}
        </p>
      </div>
      <FormAlert errors={errors} />
      {passkey ? (
        <Button type="submit" className="w-full" loading={busy || navigating}>
          {busy || navigating ? t("verifying") : t("usePasskey")}
        </Button>
      ) : (
        codeForm
      )}
      <div className="flex flex-wrap justify-between gap-2 text-sm">
        {hasPasskey && !passkey && (
          <Button variant="ghost" onClick={() => switchMode("passkey")}>
            {t("usePasskeyInstead")}
          </Button>
        )}
        {hasTotp && !totp && (
          <Button variant="ghost" onClick={() => switchMode("totp")}>
            {t("useTotp")}
          </Button>
        )}
        {hasRecovery && mode !== "recovery" && (
          <Button variant="ghost" onClick={() => switchMode("recovery")}>
            {t("useRecovery")}
          </Button>
        )}
        <Button variant="ghost" onClick={() => onRestart(null)}>
          {t("back")}
        </Button>
      </div>
    </form>
  );
}
