"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, linkStyles } from "@/components/ui";
import { LoginForm } from "@/components/auth/LoginForm";

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
      <LoginForm onSuccess={() => router.push("/account")} forgotHref="/forgot-password" />
      <p className="mt-4 text-center text-sm text-slate-600">
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
