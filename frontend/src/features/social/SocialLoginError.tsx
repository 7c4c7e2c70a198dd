"use client";

import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui";
import { socialErrorKey } from "./providers";

/** Why a provider sign-in came back without signing in (`?error=<code>` on the login page), in the page's language. */
export function SocialLoginError({ code }: { code: string }) {
  const t = useTranslations("social.errors");
  return <Alert tone="error">{t(socialErrorKey(code))}</Alert>;
}
