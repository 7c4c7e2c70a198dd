"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { AuthCard } from "@/components/SiteHeader";
import { linkStyles } from "@/components/ui";
import { LoginForm } from "@/features/auth/LoginForm";

export default function AccountLoginPage() {
  const t = useTranslations("login");
  const router = useRouter();
  return (
    <AuthCard title={t("accountTitle")} subtitle={t("accountSubtitle")}>
      <LoginForm onSuccess={() => router.push("/account")} />
      <p className="mt-4 text-center text-sm text-slate-600">
        {t("noAccount")}{" "}
        <a className={linkStyles} href="/signup">
          {t("signUp")}
        </a>
      </p>
    </AuthCard>
  );
}
