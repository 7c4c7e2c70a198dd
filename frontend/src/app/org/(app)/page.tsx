"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { PageHeader } from "@/components/ui";
import { useOrg } from "@/features/org/OrgShell";

export default function DashboardPage() {
  const t = useTranslations();
  const { me, can } = useOrg();
  const organisation = me.tenant.name;
  const cards = [
    { href: "/projects", title: t("nav.projects"), text: t("dashboard.projectsText") },
    { href: "/files", title: t("nav.files"), text: t("dashboard.filesText") },
    { href: "/members", title: t("nav.members"), text: t("dashboard.membersText") },
    ...(can("members.manage")
      ? [{ href: "/invitations", title: t("nav.invitations"), text: t("dashboard.invitationsText", { organisation }) }]
      : []),
    { href: "/exports", title: t("nav.exports"), text: t("dashboard.exportsText") },
    { href: "/billing", title: t("nav.billing"), text: t("dashboard.billingText") },
  ];
  return (
    <>
      <PageHeader
        title={t("dashboard.title")}
        description={
          <>
            {t("dashboard.welcome", { name: me.fullName || me.email })}{" "}
            {t("dashboard.role", { role: me.role, organisation })}
          </>
        }
      />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {cards.map((card) => (
          <li key={card.href}>
            <Link
              href={card.href}
              className="block h-full rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 hover:ring-indigo-300"
            >
              <h2 className="font-semibold text-slate-900">{card.title}</h2>
              <p className="mt-1 text-sm text-slate-600">{card.text}</p>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
