"use client";

import { useTranslations } from "next-intl";
import { AuthCard } from "@/components/SiteHeader";
import { SignupForm } from "@/features/signup/SignupForm";

export default function SignupPage() {
  const t = useTranslations("signup");
  return (
    <AuthCard title={t("title")} subtitle={t("subtitle")}>
      <SignupForm />
    </AuthCard>
  );
}
