"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Suspense, useEffect, useRef, useState } from "react";
import { AuthCard } from "@/components/SiteHeader";
import { Alert, Loading, linkStyles } from "@/components/ui";
import { redeemHandoff } from "@/lib/api/endpoints";

/** Lands a handoff or impersonation link: redeems the one-time code for a session on this host. */
function Handoff() {
  const t = useTranslations("handoff");
  const router = useRouter();
  const searchParams = useSearchParams();
  // Read once: the address bar is cleaned right away, and that must not turn this into "missing code".
  const [code] = useState(() => searchParams.get("code"));
  const [failed, setFailed] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (!code || started.current) return;
    started.current = true;
    // Take the code out of the address bar and history before anything else can read it.
    window.history.replaceState(null, "", "/auth/handoff");
    redeemHandoff(code).then(
      () => router.replace("/"),
      () => setFailed(true),
    );
  }, [code, router]);

  if (!code) {
    return (
      <AuthCard title={t("missingCode")}>
        <a className={linkStyles} href="/login">
          {t("failed")}
        </a>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={failed ? t("failed") : t("signingIn")}>
      {failed ? (
        <Alert tone="error">
          <a className={linkStyles} href="/login">
            {t("failed")}
          </a>
        </Alert>
      ) : (
        <Loading label={t("signingIn")} />
      )}
    </AuthCard>
  );
}

export default function Page() {
  return (
    <Suspense>
      <Handoff />
    </Suspense>
  );
}
