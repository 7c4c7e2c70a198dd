"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { AsyncContent } from "@/components/data";
import { Alert, Button, Card, EmptyState, FormAlert, Loading, PageHeader, TextField } from "@/components/ui";
import { createAccountTenant, handoff, listAccountTenants, logout } from "@/lib/api/endpoints";
import { toFormErrors, type FormErrors } from "@/lib/api/errors";
import type { AccountTenant } from "@/lib/api/types";
import { useSessionStatus } from "@/lib/auth/session";
import { organisationHostPreview } from "@/lib/host";

const FIELDS = ["organisationName", "subdomain"] as const;

export default function AccountPage() {
  const t = useTranslations();
  const router = useRouter();
  const status = useSessionStatus();
  const [tenants, setTenants] = useState<AccountTenant[] | null>(null);
  const [loadFailed, setLoadFailed] = useState(false);
  const [opening, setOpening] = useState<string | null>(null);
  const [openError, setOpenError] = useState<FormErrors | null>(null);
  const [form, setForm] = useState({ organisationName: "", subdomain: "" });
  const [formErrors, setFormErrors] = useState<FormErrors | null>(null);
  const [creating, setCreating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(() => {
    listAccountTenants().then(setTenants, () => setLoadFailed(true));
  }, []);

  useEffect(() => {
    if (status === "anonymous") router.replace("/login?next=/account");
    if (status === "authenticated") load();
  }, [status, router, load]);

  async function open(tenant: AccountTenant) {
    setOpening(tenant.id);
    setOpenError(null);
    try {
      // A one-time link that signs this account in on the organisation's own host.
      const { url } = await handoff(tenant.id);
      window.location.assign(url);
    } catch (error) {
      setOpenError(toFormErrors(error));
      setOpening(null);
    }
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCreating(true);
    setFormErrors(null);
    try {
      const tenant = await createAccountTenant(form);
      setNotice(t("account.created", { name: tenant.name }));
      setForm({ organisationName: "", subdomain: "" });
      load();
    } catch (error) {
      setFormErrors(toFormErrors(error, FIELDS));
    } finally {
      setCreating(false);
    }
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
          <ul className="divide-y divide-slate-200 rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            {list.map((tenant) => (
              <li key={tenant.id} className="flex flex-wrap items-center justify-between gap-4 p-4">
                <div>
                  <p className="font-medium text-slate-900">{tenant.name}</p>
                  <p className="text-sm text-slate-600">
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
        {notice && <Alert tone="success" className="mb-4">{notice}</Alert>}
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
            hint={t("signup.subdomainHint", { host: organisationHostPreview(form.subdomain) })}
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
