"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Alert, cx } from "@/components/ui";
import { REDIRECT_URL, isSsoProvider, listProviders, type Provider } from "./providers";

const buttonBase =
  "inline-flex w-full items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-semibold shadow-sm transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400";

/**
 * "Continue with GitHub / Google / ..." and, on an organisation's host with SSO, "Sign in with <organisation>
 * SSO" first. Each button is a real form posting to allauth's redirect endpoint: the browser navigates to the
 * provider and back (no XHR could follow those redirects). Renders nothing when this host offers no provider
 * (or the configuration cannot be read: the password form still works).
 */
export function ProviderButtons({
  callbackPath = "/login",
  invitation,
  ssoRequired = false,
  providers: given,
}: {
  /** The page of this host that shows a failed sign-in (`?error=<code>`). */
  callbackPath?: string;
  /** accept-invite: the invitation's token, accepted by the sign-in when the provider verified the invited email. */
  invitation?: string;
  /** The password login answered 403 `sso_required`: say so above the SSO button. */
  ssoRequired?: boolean;
  /** Skips the fetch (tests, or a page that has the configuration already). */
  providers?: Provider[];
}) {
  const t = useTranslations("social");
  const [fetched, setFetched] = useState<Provider[] | null>(null);

  useEffect(() => {
    if (given) return;
    const controller = new AbortController();
    listProviders(controller.signal).then(setFetched, () => setFetched([]));
    return () => controller.abort();
  }, [given]);

  const providers = given ?? fetched;
  if (!providers || providers.length === 0) {
    // Still say why the password was refused, even with no SSO button to offer (its configuration unreadable).
    return ssoRequired ? <Alert tone="warning" className="mb-5">{t("ssoRequiredLogin")}</Alert> : null;
  }
  // Read in the browser only (rendered after the fetch): the flow returns to this same host.
  const callbackUrl = `${window.location.origin}${callbackPath}`;
  const sso = providers.filter(isSsoProvider);
  const others = providers.filter((p) => !isSsoProvider(p));

  return (
    <div className="mb-6 space-y-3">
      {ssoRequired && <Alert tone="warning">{t("ssoRequiredLogin")}</Alert>}
      {sso.map((provider) => (
        <ProviderForm key={provider.id} provider={provider} callbackUrl={callbackUrl} invitation={invitation} primary>
          {t("ssoButton", { name: provider.name })}
        </ProviderForm>
      ))}
      {others.map((provider) => (
        <ProviderForm key={provider.id} provider={provider} callbackUrl={callbackUrl} invitation={invitation}>
          {t("continueWith", { name: provider.name })}
        </ProviderForm>
      ))}
      <p className="flex items-center gap-3 text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
        {t("or")}
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
      </p>
    </div>
  );
}

function ProviderForm({
  provider,
  callbackUrl,
  invitation,
  primary = false,
  children,
}: {
  provider: Provider;
  callbackUrl: string;
  invitation?: string;
  primary?: boolean;
  children: string;
}) {
  return (
    <form method="post" action={REDIRECT_URL}>
      <input type="hidden" name="provider" value={provider.id} />
      <input type="hidden" name="process" value="login" />
      <input type="hidden" name="callback_url" value={callbackUrl} />
      {invitation && <input type="hidden" name="invitation" value={invitation} />}
      <button
        type="submit"
        className={cx(
          buttonBase,
          primary
            ? "bg-indigo-600 text-white hover:bg-indigo-500"
            : "bg-white text-slate-900 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-800",
        )}
      >
        {children}
      </button>
    </form>
  );
}
