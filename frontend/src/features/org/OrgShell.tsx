"use client";

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { LanguageSwitcher } from "@/components/LanguageSwitcher";
import { SkipLink } from "@/components/SiteHeader";
import { ThemeToggle } from "@/components/ThemeToggle";
import { Alert, Button, Loading, cx } from "@/components/ui";
import { onMfaSetupRequired } from "@/lib/api/client";
import { getMe, logout } from "@/lib/api/endpoints";
import type { Me, Permission, Role } from "@/lib/api/types";
import { useSessionStatus } from "@/lib/auth/session";
import { Avatar } from "@/features/profile/AvatarSection";
import { OrganisationSwitcher } from "./OrganisationSwitcher";
import { assignableRoles } from "./permissions";

interface OrgContextValue {
  me: Me;
  reloadMe: () => void;
  /** What the member may do here: `/me`'s `permissions`, the backend's own rules for their role. */
  can: (permission: Permission) => boolean;
  /** The roles they may give (invite with, or change a member to). */
  assignableRoles: Role[];
  /** The organisation requires MFA and this member has not set it up: everything but the profile's MFA section is refused. */
  mfaSetupRequired: boolean;
}

const OrgContext = createContext<OrgContextValue | null>(null);

export function useOrg(): OrgContextValue {
  const value = useContext(OrgContext);
  if (!value) throw new Error("useOrg must be used inside <OrgShell>");
  return value;
}

const NAV = [
  { href: "/", key: "dashboard" },
  { href: "/projects", key: "projects" },
  { href: "/files", key: "files" },
  { href: "/members", key: "members" },
  { href: "/invitations", key: "invitations", needs: "members.manage" },
  { href: "/exports", key: "exports" },
  { href: "/billing", key: "billing" },
  { href: "/audit", key: "audit", needs: "audit.read" },
  { href: "/profile", key: "profile" },
  { href: "/settings", key: "settings" },
] as const;

export function ImpersonationBanner({ me, onEnd }: { me: Me; onEnd: () => void }) {
  const t = useTranslations("impersonation");
  if (!me.impersonatedBy) return null;
  return (
    <div role="status" className="bg-amber-400 px-4 py-2 text-sm font-medium text-amber-950">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3">
        <span>{t("banner", { organisation: me.tenant.name, email: me.email, operator: me.impersonatedBy.email })}</span>
        <button type="button" onClick={onEnd} className="rounded-md bg-amber-950 px-3 py-1 text-white hover:bg-amber-900">
          {t("end")}
        </button>
      </div>
    </div>
  );
}

/** Everything behind sign-in on an organisation's host: session, the `/me` record, navigation, banners. */
export function OrgShell({ children }: { children: ReactNode }) {
  const t = useTranslations();
  const router = useRouter();
  const pathname = usePathname();
  const status = useSessionStatus();
  const queryClient = useQueryClient();
  // Fetched once per page load and shared by every page through the context (and the query cache).
  const meQuery = useQuery({ queryKey: ["me"], queryFn: getMe, enabled: status === "authenticated" });
  const me: Me | null = meQuery.data ?? null;
  const failed = meQuery.isError;
  // Set by a 403 `mfa_setup_required` from any request; reset when `/me` is reloaded (after setting MFA up).
  const [mfaRefused, setMfaRefused] = useState(false);
  const mfaSetupRequired = !!me?.mfaSetupRequired || mfaRefused;

  useEffect(() => onMfaSetupRequired(() => setMfaRefused(true)), []);

  useEffect(() => {
    // The organisation requires MFA: the only page that works is the profile, where it is set up.
    if (mfaSetupRequired && pathname !== "/profile") router.replace("/profile#mfa");
  }, [mfaSetupRequired, pathname, router]);

  useEffect(() => {
    if (status === "anonymous") {
      router.replace(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }
  }, [status, router]);

  const reloadMe = () => void queryClient.invalidateQueries({ queryKey: ["me"] });

  async function signOut() {
    await logout().catch(() => undefined);
    router.replace("/login");
  }

  if (failed) {
    return (
      <main id="content" className="mx-auto max-w-md px-4 py-16">
        <Alert tone="error">{t("errors.loadFailed")}</Alert>
        <Button className="mt-4" onClick={reloadMe}>
          {t("common.retry")}
        </Button>
      </main>
    );
  }
  if (status !== "authenticated" || !me) {
    return (
      <main id="content" className="mx-auto max-w-md px-4 py-16">
        <Loading />
      </main>
    );
  }

  const can: OrgContextValue["can"] = (permission) => me.permissions.includes(permission);

  return (
    <OrgContext.Provider
      value={{
        me,
        reloadMe: () => {
          setMfaRefused(false);
          reloadMe();
        },
        can,
        assignableRoles: assignableRoles(me.permissions),
        mfaSetupRequired,
      }}
    >
      <SkipLink />
      <ImpersonationBanner me={me} onEnd={signOut} />
      <header className="border-b border-slate-200 bg-white dark:border-slate-700 dark:bg-slate-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <div className="flex min-w-0 items-center gap-3">
            <Link href="/" className="rounded-sm text-lg font-bold break-words text-slate-900 dark:text-slate-100">
              {me.tenant.name}
            </Link>
            <OrganisationSwitcher me={me} />
          </div>
          <div className="flex flex-wrap items-center gap-3">
            <Avatar me={me} size="sm" />
            <span className="hidden text-sm text-slate-600 sm:inline dark:text-slate-400">{me.email}</span>
            <ThemeToggle />
            <LanguageSwitcher />
            <Button variant="secondary" onClick={signOut}>
              {t("common.signOut")}
            </Button>
          </div>
        </div>
        <nav aria-label={t("nav.main")} className="mx-auto max-w-6xl overflow-x-auto px-4">
          <ul className="flex gap-1">
            {NAV.filter((item) => !("needs" in item) || can(item.needs)).map((item) => {
              const current = item.href === "/" ? pathname === "/" : pathname.startsWith(item.href);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={current ? "page" : undefined}
                    className={cx(
                      "inline-block border-b-2 px-3 py-2 text-sm font-medium whitespace-nowrap",
                      current ? "border-indigo-600 text-indigo-700 dark:border-indigo-400 dark:text-indigo-300" : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100",
                    )}
                  >
                    {t(`nav.${item.key}`)}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      </header>
      <main id="content" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-8 focus:outline-none">
        {children}
      </main>
    </OrgContext.Provider>
  );
}
