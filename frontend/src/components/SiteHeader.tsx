"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type ReactNode } from "react";
import { logout } from "@/lib/api/endpoints";
import { usePublicSessionStatus } from "@/lib/auth/session";
import { LanguageSwitcher } from "./LanguageSwitcher";
import { ThemeToggle } from "./ThemeToggle";
import { linkStyles } from "./ui";

export function SkipLink() {
  const t = useTranslations("common");
  return (
    <a
      href="#content"
      className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium text-indigo-700 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 dark:bg-slate-900 dark:text-indigo-300"
    >
      {t("skipToContent")}
    </a>
  );
}

/** Sign in and signup for visitors; the account's organisations and sign out once signed in on this host. */
function AccountLinks() {
  const t = useTranslations();
  const router = useRouter();
  const status = usePublicSessionStatus();
  const [leaving, setLeaving] = useState(false);

  // Nothing until known: no "Sign in" flashing for someone who is signed in.
  if (status === "loading") return null;
  if (status === "authenticated") {
    return (
      <>
        <Link className={linkStyles} href="/account">
          {t("nav.account")}
        </Link>
        <button
          type="button"
          className={linkStyles}
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void logout().finally(() => {
              setLeaving(false);
              router.push("/");
            });
          }}
        >
          {t("common.signOut")}
        </button>
      </>
    );
  }
  return (
    <>
      <Link className={linkStyles} href="/login">
        {t("nav.signIn")}
      </Link>
      <Link className="rounded-md bg-indigo-600 px-3 py-1.5 font-semibold text-white hover:bg-indigo-500" href="/signup">
        {t("nav.signUp")}
      </Link>
    </>
  );
}

export function PublicShell({ children }: { children: ReactNode }) {
  const t = useTranslations();
  return (
    <>
      <SkipLink />
      <header className="border-b border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-4 px-4 py-3">
          <Link href="/" className="rounded-sm text-lg font-bold text-slate-900 dark:text-slate-100">
            {t("common.appName")}
          </Link>
          <nav aria-label={t("nav.main")} className="flex flex-wrap items-center gap-4 text-sm">
            <Link className={linkStyles} href="/plans">
              {t("nav.plans")}
            </Link>
            <AccountLinks />
            <ThemeToggle />
            <LanguageSwitcher />
          </nav>
        </div>
      </header>
      <main id="content" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-10 focus:outline-none">
        {children}
      </main>
    </>
  );
}

/** A narrow centred card for the sign-in, signup and token-link pages. */
export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: ReactNode; children: ReactNode }) {
  return (
    <div className="mx-auto w-full max-w-md">
      <h1 className="text-2xl font-bold tracking-tight text-slate-900 dark:text-slate-100">{title}</h1>
      {subtitle && <p className="mt-2 text-slate-600 dark:text-slate-400">{subtitle}</p>}
      <div className="mt-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">{children}</div>
    </div>
  );
}
