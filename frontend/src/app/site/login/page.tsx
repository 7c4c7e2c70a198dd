"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { NextIntlClientProvider, useLocale, useMessages, useTimeZone, useTranslations } from "next-intl";
import { Suspense, useMemo, type ReactNode } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, linkStyles } from "@/components/ui";
import { LoginForm } from "@/components/auth/LoginForm";

/**
 * LoginForm's one message for a 401 covers the organisation hosts' "not a member" too; on the public host an
 * account signs in to itself, so a 401 means only a wrong email or password: `login.invalid` is that here.
 */
function AccountLoginMessages({ children }: { children: ReactNode }) {
  const locale = useLocale();
  const timeZone = useTimeZone();
  const messages = useMessages();
  const scoped = useMemo(() => {
    const login = messages.login as Record<string, unknown>;
    return { ...messages, login: { ...login, invalid: login.invalidAccount } };
  }, [messages]);
  return (
    <NextIntlClientProvider locale={locale} timeZone={timeZone} messages={scoped as typeof messages}>
      {children}
    </NextIntlClientProvider>
  );
}

function AccountLogin() {
  const t = useTranslations("login");
  const router = useRouter();
  // Set by /reset-password after a successful reset.
  const passwordReset = useSearchParams().get("passwordReset") === "1";
  return (
    <AuthCard title={t("accountTitle")} subtitle={t("accountSubtitle")}>
      {passwordReset && (
        <Alert tone="success" className="mb-5">
          {t("passwordChanged")}
        </Alert>
      )}
      <AccountLoginMessages>
        <LoginForm onSuccess={() => router.push("/account")} forgotHref="/forgot-password" />
      </AccountLoginMessages>
      <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">
        {t("noAccount")}{" "}
        <a className={linkStyles} href="/signup">
          {t("signUp")}
        </a>
      </p>
    </AuthCard>
  );
}

export default function AccountLoginPage() {
  return (
    <Suspense>
      <AccountLogin />
    </Suspense>
  );
}
