"use client";

import { useTranslations } from "next-intl";
import { useRef, useState, useSyncExternalStore } from "react";
import { Button, FormAlert } from "@/components/ui";
import { passkeyLogin, passkeyLoginOptions } from "@/lib/api/endpoints";
import { apiErrorCode } from "@/lib/api/errors";
import type { LoginResult } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { getPasskey, isCeremonyError, passkeysSupported, type RequestOptionsJson } from "./webauthn";

const noSubscription = () => () => {};

/** The API's refusals said in the page's language (the codes of POST /api/v1/auth/passkey/). */
const MESSAGE_BY_CODE = {
  passkey_invalid: "passkeyInvalid",
  passkey_not_passwordless: "passkeyNotPasswordless",
} as const;

/**
 * "Sign in with a passkey": a passwordless sign-in on an organisation's sign-in page. The browser offers the
 * passkeys it holds for this host (no email typed: the passkey names the account) and verifies the person
 * (fingerprint, face, screen lock or PIN), so no second step follows: the answer is a password login's. Renders
 * nothing where the browser has no WebAuthn (read after hydration: the server renders nothing either).
 */
export function PasskeySignIn({
  onSuccess,
  onSsoRequired,
}: {
  onSuccess: (result: LoginResult) => void;
  /** The organisation signs its members in with SSO (403 `sso_required`): the login form says so. */
  onSsoRequired: () => void;
}) {
  const t = useTranslations("login");
  const supported = useSyncExternalStore(noSubscription, passkeysSupported, () => false);
  const lastError = useRef<unknown>(null);
  const [navigating, setNavigating] = useState(false);
  const { run, busy, errors } = useAction({
    onError: (formErrors) => {
      const error = lastError.current;
      const code = apiErrorCode(error) ?? "";
      if (isCeremonyError(error)) {
        formErrors.general = [t("passkeyCancelled")];
      } else if (code in MESSAGE_BY_CODE) {
        formErrors.general = [t(MESSAGE_BY_CODE[code as keyof typeof MESSAGE_BY_CODE])];
      }
      formErrors.fields = {};
    },
  });

  if (!supported) return null;

  function signIn() {
    lastError.current = null;
    void run(async () => {
      try {
        const options = await passkeyLoginOptions();
        // The browser's own dialog: it lists this host's passkeys and verifies the person.
        const credential = await getPasskey(options as unknown as RequestOptionsJson);
        const result = await passkeyLogin(credential);
        setNavigating(true);
        onSuccess(result);
      } catch (error) {
        if (apiErrorCode(error) === "sso_required") {
          onSsoRequired();
          return;
        }
        lastError.current = error;
        throw error;
      }
    });
  }

  return (
    <div className="mb-6 space-y-3">
      <FormAlert errors={errors} />
      <Button variant="secondary" className="w-full" loading={busy || navigating} onClick={signIn}>
        {busy || navigating ? t("passkeySigningIn") : t("passkeySubmit")}
      </Button>
      <p className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200" />
        {t("or")}
        <span className="h-px flex-1 bg-slate-200" />
      </p>
    </div>
  );
}
