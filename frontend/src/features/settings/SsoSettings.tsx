"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { Alert, Button, Card, FormAlert, Loading, TextAreaField, TextField } from "@/components/ui";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";
import { deleteSso, getSso, putSso, type Sso } from "./api";

const FIELDS = ["issuer", "clientId", "clientSecret", "emailDomains", "enforced", "autoJoin"] as const;

/** "example.com, example.org" or one a line: the list the API takes. */
export function parseDomains(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((domain) => domain.trim())
    .filter(Boolean);
}

interface FormState {
  issuer: string;
  clientId: string;
  /** What the owner types; never filled from the server (the API never returns the secret). */
  clientSecret: string;
  domains: string;
  enforced: boolean;
  autoJoin: boolean;
}

function formFrom(config: Sso | null): FormState {
  return {
    issuer: config?.issuer ?? "",
    clientId: config?.clientId ?? "",
    clientSecret: "",
    domains: config?.emailDomains.join("\n") ?? "",
    enforced: config?.enforced ?? false,
    autoJoin: config?.autoJoin ?? false,
  };
}

function Checkbox({ label, hint, checked, onChange, errors }: { label: string; hint: string; checked: boolean; onChange: (value: boolean) => void; errors?: string[] }) {
  return (
    <label className="flex items-start gap-3">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        className="mt-1 h-4 w-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600 dark:border-slate-600 dark:text-indigo-400 dark:focus:ring-indigo-400"
      />
      <span>
        <span className="block text-sm font-medium text-slate-900 dark:text-slate-100">{label}</span>
        <span className="block text-sm text-slate-600 dark:text-slate-400">{hint}</span>
        {errors?.map((message) => (
          <span key={message} className="block text-sm text-red-700 dark:text-red-400">
            {message}
          </span>
        ))}
      </span>
    </label>
  );
}

function CopyField({ label, value }: { label: string; value: string }) {
  const t = useTranslations("settings.sso");
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="space-y-1.5">
      <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{label}</p>
      <div className="flex flex-wrap items-center gap-2">
        <code data-testid="sso-callback-url" className="min-w-0 flex-1 rounded-md bg-slate-50 px-3 py-2 text-sm break-all text-slate-900 ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700">
          {value}
        </code>
        <Button
          variant="secondary"
          onClick={() => {
            navigator.clipboard.writeText(value).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {t("copy")}
        </Button>
      </div>
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        {copied === true ? t("copied") : copied === false ? t("copyFailed") : ""}
      </p>
    </div>
  );
}

/** The organisation's OpenID Connect single sign-on, for owners (`/api/v1/sso/`). */
export function SsoSettings() {
  const t = useTranslations();
  const sso = useResource(getSso);
  const [form, setForm] = useState<FormState | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const { run, pending, errors, notify } = useAction<"save" | "remove">({ fields: FIELDS });

  if (sso.loading) return <Card title={t("settings.sso.title")}><Loading /></Card>;
  if (sso.error) {
    return (
      <Card title={t("settings.sso.title")}>
        <Alert tone="error">{t("errors.loadFailed")}</Alert>
      </Card>
    );
  }
  const config = sso.data;
  const values = form ?? formFrom(config);
  const set = (patch: Partial<FormState>) => setForm({ ...values, ...patch });

  function save(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const saved = await putSso({
        issuer: values.issuer.trim(),
        clientId: values.clientId.trim(),
        // Left out when empty: the stored secret is kept.
        ...(values.clientSecret ? { clientSecret: values.clientSecret } : {}),
        emailDomains: parseDomains(values.domains),
        enforced: values.enforced,
        autoJoin: values.autoJoin,
      });
      sso.setData(() => saved);
      setForm(null); // from the saved configuration, with the typed secret gone
      notify(t("settings.sso.saved"));
    }, "save");
  }

  function remove() {
    void run(async () => {
      await deleteSso();
      sso.setData(() => null);
      setForm(null);
      setConfirmRemove(false);
      notify(t("settings.sso.removed"));
    }, "remove");
  }

  return (
    <Card title={t("settings.sso.title")}>
      <form onSubmit={save} className="space-y-4" aria-label={t("settings.sso.title")} noValidate>
        <p className="text-sm text-slate-600 dark:text-slate-400">{config ? t("settings.sso.configured") : t("settings.sso.intro")}</p>
        <FormAlert errors={errors} />
        <TextField
          label={t("settings.sso.issuer")}
          type="url"
          inputMode="url"
          placeholder="https://login.example.com"
          value={values.issuer}
          onChange={(e) => set({ issuer: e.target.value })}
          hint={t("settings.sso.issuerHint")}
          errors={errors?.fields.issuer}
        />
        <TextField
          label={t("settings.sso.clientId")}
          value={values.clientId}
          onChange={(e) => set({ clientId: e.target.value })}
          autoComplete="off"
          errors={errors?.fields.clientId}
        />
        <TextField
          label={t("settings.sso.clientSecret")}
          type="password"
          value={values.clientSecret}
          onChange={(e) => set({ clientSecret: e.target.value })}
          autoComplete="new-password"
          placeholder={config ? t("settings.sso.secretStoredPlaceholder") : undefined}
          hint={config ? t("settings.sso.secretStored") : t("settings.sso.secretRequired")}
          errors={errors?.fields.clientSecret}
        />
        <TextAreaField
          label={t("settings.sso.emailDomains")}
          value={values.domains}
          onChange={(e) => set({ domains: e.target.value })}
          rows={3}
          placeholder="example.com"
          hint={t("settings.sso.emailDomainsHint")}
          errors={errors?.fields.emailDomains}
        />
        <Checkbox
          label={t("settings.sso.enforced")}
          hint={t("settings.sso.enforcedHint")}
          checked={values.enforced}
          onChange={(enforced) => set({ enforced })}
          errors={errors?.fields.enforced}
        />
        <Checkbox
          label={t("settings.sso.autoJoin")}
          hint={t("settings.sso.autoJoinHint")}
          checked={values.autoJoin}
          onChange={(autoJoin) => set({ autoJoin })}
          errors={errors?.fields.autoJoin}
        />
        {config && <CopyField label={t("settings.sso.callbackUrl")} value={config.callbackUrl} />}
        <div className="flex flex-wrap gap-3">
          <Button type="submit" loading={pending === "save"} disabled={pending !== null}>
            {pending === "save" ? t("common.saving") : t("settings.sso.save")}
          </Button>
          {config && (
            <Button variant="secondary" onClick={() => setConfirmRemove(true)} disabled={pending !== null}>
              {t("settings.sso.remove")}
            </Button>
          )}
        </div>
      </form>
      <ConfirmDialog
        open={confirmRemove}
        title={t("settings.sso.removeTitle")}
        confirmLabel={t("settings.sso.remove")}
        danger
        busy={pending === "remove"}
        onConfirm={remove}
        onClose={() => setConfirmRemove(false)}
        description={t("settings.sso.removeBody")}
      />
    </Card>
  );
}
