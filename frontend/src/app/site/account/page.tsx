"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { AsyncContent } from "@/components/data";
import { Button, Card, EmptyState, FormAlert, Loading, PageHeader, TextField } from "@/components/ui";
import { createAccountTenant, handoff, listAccountTenants, logout } from "@/lib/api/endpoints";
import type { AccountTenant } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { useSessionStatus } from "@/lib/auth/session";
import { useOrganisationHostPreview } from "@/features/signup/useHostPreview";

const FIELDS = ["organisationName", "subdomain"] as const;

export default function AccountPage() {
  const t = useTranslations();
  const router = useRouter();
  const status = useSessionStatus();
  const [tenants, setTenants] = useState<AccountTenant[] | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  // Opening leaves for the organisation's host, so its button stays busy until the browser has.
  const opener = useAction<AccountTenant["id"]>({ keepPendingOnSuccess: true });
  const { pending: opening, errors: openError } = opener;
  const [form, setForm] = useState({ organisationName: "", subdomain: "" });
  const creator = useAction({ fields: FIELDS });
  const hostPreview = useOrganisationHostPreview(form.subdomain);
  const { busy: creating, errors: formErrors } = creator;

  const load = useCallback(() => {
    listAccountTenants().then(setTenants, () => setLoadFailed(true));
  }, []);

  useEffect(() => {
    if (status === "anonymous") router.replace("/login?next=/account");
    if (status === "authenticated") load();
  }, [status, router, load]);

  function open(tenant: AccountTenant) {
    void opener.run(async () => {
      // A one-time link that signs this account in on the organisation's own host.
      const { url } = await handoff(tenant.id);
      window.location.assign(url);
    }, tenant.id);
  }

  function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void creator.run(async () => {
      const tenant = await createAccountTenant(form);
      creator.notify(t("account.created", { name: tenant.name }));
      setForm({ organisationName: "", subdomain: "" });
      load();
    });
  }

  if (status !== "authenticated") return <Loading />;

  return (
    <div className="space-y-8">
      <PageHeader
        title={t("account.title")}
        description={t("account.subtitleAnonymous")}
        actions={
          <Button variant="secondary" onClick={() => logout().finally(() => router.replace("/login"))}>
            {t("common.signOut")}
          </Button>
        }
      />
      <FormAlert errors={openError} />
      <AsyncContent loading={tenants === null} error={loadFailed} data={tenants} emptyState={<EmptyState title={t("account.empty")} />}>
        {(list) => (
          <ul className="divide-y divide-slate-200 rounded-lg bg-white shadow-sm ring-1 ring-slate-200 dark:divide-slate-700 dark:bg-slate-900 dark:ring-slate-700">
            {list.map((tenant) => (
              <li key={tenant.id} className="flex flex-wrap items-center justify-between gap-4 p-4">
                <div>
                  <p className="font-medium text-slate-900 dark:text-slate-100">{tenant.name}</p>
                  <p className="text-sm text-slate-600 dark:text-slate-400">
                    {tenant.subdomain} · {t(`roles.${tenant.role}`)}
                  </p>
                </div>
                <Button
                  onClick={() => open(tenant)}
                  loading={opening === tenant.id}
                  disabled={opening !== null}
                  aria-label={`${t("account.open")} ${tenant.name}`}
                >
                  {opening === tenant.id ? t("account.opening") : t("account.open")}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </AsyncContent>
      <Card title={t("account.createTitle")}>
        <form onSubmit={create} noValidate className="grid gap-4 sm:grid-cols-2">
          <div className="sm:col-span-2">
            <FormAlert errors={formErrors} />
          </div>
          <TextField
            label={t("account.organisationName")}
            required
            value={form.organisationName}
            onChange={(e) => setForm({ ...form, organisationName: e.target.value })}
            errors={formErrors?.fields.organisationName}
          />
          <TextField
            label={t("account.subdomain")}
            required
            value={form.subdomain}
            onChange={(e) => setForm({ ...form, subdomain: e.target.value.toLowerCase().trim() })}
            hint={t("signup.subdomainHint", { host: hostPreview })}
            errors={formErrors?.fields.subdomain}
          />
          <div className="sm:col-span-2">
            <Button type="submit" loading={creating}>
              {t("account.create")}
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
