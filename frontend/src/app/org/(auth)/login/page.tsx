"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { linkStyles } from "@/components/ui";
import { LoginForm } from "@/components/auth/LoginForm";
import { useOrganisationLabel } from "@/features/org/AuthShell";
import { safeNext } from "@/lib/auth/session";
import { publicOrigin } from "@/lib/host";

function OrganisationLogin() {
  const t = useTranslations("login");
  const router = useRouter();
  const next = safeNext(useSearchParams().get("next"));
  const label = useOrganisationLabel();
  return (
    <AuthCard title={t("orgTitle", { name: label })} subtitle={t("orgSubtitle")}>
      <LoginForm onSuccess={() => router.replace(next)} forgotHref="/forgot-password" passkey />
      <p className="mt-4 text-center text-sm text-slate-600 dark:text-slate-400">
        {t("noAccount")}{" "}
        <a className={linkStyles} href={`${publicOrigin()}/signup`}>
          {t("signUp")}
        </a>
      </p>
    </AuthCard>
  );
}

export default function Page() {
  return (
    <Suspense>
      <OrganisationLogin />
    </Suspense>
  );
}
