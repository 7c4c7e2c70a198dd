"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { Button, FormAlert, Spinner, TextField, cx, linkStyles } from "@/components/ui";
import { handoff, login, signup } from "@/lib/api/endpoints";
import type { SignupResult } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { PasswordRules } from "./PasswordRules";
import { useOrganisationHostPreview } from "./useHostPreview";
import { suggestSubdomain } from "./subdomain";
import { useSubdomainCheck, type SubdomainState } from "./useSubdomainCheck";

const FIELDS = ["organisationName", "subdomain", "email", "password", "fullName"] as const;

function SubdomainStatus({ id, status }: { id: string; status: SubdomainState }) {
  const t = useTranslations("signup.subdomainStatus");
  let content: ReactNode = null;
  let tone = "text-slate-600 dark:text-slate-400";
  switch (status.state) {
    case "checking":
      content = (
        <>
          <Spinner className="h-4 w-4" /> {t("checking")}
        </>
      );
      break;
    case "available":
      content = `✓ ${t("available")}`;
      tone = "text-green-700 dark:text-green-400";
      break;
    case "invalid":
      content = t("invalid");
      tone = "text-red-700 dark:text-red-400";
      break;
    case "unavailable":
      content = status.reason === "reserved" ? t("reserved") : status.reason === "invalid" ? t("invalid") : t("taken");
      tone = "text-red-700 dark:text-red-400";
      break;
    case "error":
      content = t("error");
      break;
  }
  // Polite live region: screen readers hear the verdict without losing their place in the form.
  return (
    <p id={id} aria-live="polite" className={cx("flex min-h-5 items-center gap-1.5 text-sm", tone)}>
      {content}
    </p>
  );
}

export interface SignupFormProps {
  /** Where to go once the organisation exists. Defaults to a full page load (another origin). */
  navigate?: (url: string) => void;
}

export function SignupForm({ navigate = (url) => window.location.assign(url) }: SignupFormProps) {
  const t = useTranslations("signup");
  const [values, setValues] = useState({ organisationName: "", subdomain: "", email: "", password: "", fullName: "" });
  const [subdomainEdited, setSubdomainEdited] = useState(false);
  // Pending until the browser has left for the organisation: the form is replaced by "creating" meanwhile.
  const { run, busy: submitting, errors, setErrors } = useAction({ fields: FIELDS, keepPendingOnSuccess: true });
  const [created, setCreated] = useState<SignupResult | null>(null);
  const statusId = useId();
  const rulesId = useId();
  const availability = useSubdomainCheck(values.subdomain);
  const hostPreview = useOrganisationHostPreview(values.subdomain);

  function update(field: (typeof FIELDS)[number], value: string) {
    setValues((previous) => {
      const next = { ...previous, [field]: value };
      if (field === "organisationName" && !subdomainEdited) next.subdomain = suggestSubdomain(value);
      return next;
    });
    // A field's server error goes away as soon as the person edits that field.
    if (errors?.fields[field]) {
      const { [field]: _removed, ...rest } = errors.fields;
      void _removed;
      setErrors({ ...errors, fields: rest });
    }
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await signup({ ...values, fullName: values.fullName || undefined });
      setCreated(result);
      // Land signed in: an account token on this (public) host, then a one-time handoff link to the organisation.
      try {
        await login(values.email, values.password);
        const link = await handoff(result.tenant.id);
        navigate(link.url);
      } catch {
        navigate(`${result.tenant.url.replace(/\/$/, "")}/login`);
      }
    });
  }

  if (created) {
    return (
      <div role="status" className="flex items-center gap-3 text-slate-700 dark:text-slate-300">
        <Spinner />
        <span>{t("created", { name: created.tenant.name })}</span>
      </div>
    );
  }

  const fieldErrors = (name: string) => errors?.fields[name];

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label={t("title")}>
      <FormAlert errors={errors} />
      <TextField
        label={t("organisationName")}
        name="organisationName"
        autoComplete="organization"
        required
        value={values.organisationName}
        onChange={(e) => update("organisationName", e.target.value)}
        errors={fieldErrors("organisationName")}
      />
      <TextField
        label={t("subdomain")}
        name="subdomain"
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="none"
        required
        maxLength={63}
        value={values.subdomain}
        onChange={(e) => {
          setSubdomainEdited(true);
          update("subdomain", e.target.value.toLowerCase().trim());
        }}
        hint={t("subdomainHint", { host: hostPreview })}
        errors={fieldErrors("subdomain")}
        statusId={statusId}
        status={<SubdomainStatus id={statusId} status={availability} />}
      />
      <TextField
        label={t("fullName")}
        name="fullName"
        autoComplete="name"
        value={values.fullName}
        onChange={(e) => update("fullName", e.target.value)}
        errors={fieldErrors("fullName")}
      />
      <TextField
        label={t("email")}
        name="email"
        type="email"
        autoComplete="email"
        required
        value={values.email}
        onChange={(e) => update("email", e.target.value)}
        errors={fieldErrors("email")}
      />
      <TextField
        label={t("password")}
        name="password"
        type="password"
        autoComplete="new-password"
        required
        value={values.password}
        onChange={(e) => update("password", e.target.value)}
        errors={fieldErrors("password")}
        statusId={rulesId}
        status={<PasswordRules id={rulesId} password={values.password} email={values.email} />}
      />
      <Button type="submit" className="w-full" loading={submitting}>
        {submitting ? t("submitting") : t("submit")}
      </Button>
      <p className="text-center text-sm text-slate-600 dark:text-slate-400">
        {t("haveAccount")}{" "}
        <a className={linkStyles} href="/login">
          {t("signIn")}
        </a>
      </p>
    </form>
  );
}
