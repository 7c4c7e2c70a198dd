"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense, useEffect, useRef, useState } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, Loading, linkStyles } from "@/components/ui";
import { verifyEmail } from "@/lib/api/endpoints";

export interface VerifyEmailProps {
  /** Where "Continue" points once the link was used (the organisation's dashboard, the public account page). */
  continueHref?: string;
}

/** The page a verification email links to (`/verify-email?key=...`): posts the key to allauth once. */
function VerifyEmailCard({ continueHref = "/" }: VerifyEmailProps) {
  const t = useTranslations("verifyEmail");
  const key = useSearchParams().get("key");
  const [state, setState] = useState<"verifying" | "done" | "failed">("verifying");
  const started = useRef(false);

  useEffect(() => {
    // The key is single-use: Strict Mode's double effect must not send it twice.
    if (!key || started.current) return;
    started.current = true;
    verifyEmail(key).then(
      () => setState("done"),
      () => setState("failed"),
    );
  }, [key]);

  return (
    <AuthCard title={t("title")}>
      {!key ? (
        <Alert tone="error">{t("missingKey")}</Alert>
      ) : state === "verifying" ? (
        <Loading label={t("verifying")} />
      ) : state === "done" ? (
        <Alert tone="success">{t("done")}</Alert>
      ) : (
        <Alert tone="error">{t("failed")}</Alert>
      )}
      {(!key || state !== "verifying") && (
        <p className="mt-4 text-center text-sm">
          <a className={linkStyles} href={continueHref}>
            {t("continue")}
          </a>
        </p>
      )}
    </AuthCard>
  );
}

export function VerifyEmail(props: VerifyEmailProps) {
  return (
    <Suspense>
      <VerifyEmailCard {...props} />
    </Suspense>
  );
}
