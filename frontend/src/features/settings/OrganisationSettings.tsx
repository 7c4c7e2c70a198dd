"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { ConfirmDialog } from "@/components/ConfirmDialog";
import { useDates } from "@/components/format";
import { Alert, Button, Card, FormAlert, Spinner, TextAreaField, TextField, cx, linkStyles } from "@/components/ui";
import { useOrg } from "@/features/org/OrgShell";
import { apiErrorCode } from "@/lib/api/errors";
import { publicOrigin } from "@/lib/host";
import { useAction } from "@/lib/useAction";
import type { Resource } from "@/lib/useResource";
import {
  LOGO_MAX_BYTES,
  endSessionBeforeLeaving,
  LOGO_TYPES,
  getOrganisation,
  leaveOrganisation,
  logoIdentity,
  removeLogo,
  requestDeletion,
  updateOrganisation,
  uploadLogo,
  type Deletion,
  type Organisation,
} from "./api";

/** How often, and how many times, the page reads the organisation again after a logo upload (the worker's resize). */
export const LOGO_POLL = { intervalMs: 1500, attempts: 20 };

/** Signed out of this organisation, then on to the public site (a full load: this host's session is over). */
async function leaveForPublicSite(path = "/"): Promise<void> {
  await endSessionBeforeLeaving().catch(() => undefined); // a suspended organisation may refuse it
  // Another origin (the public host): a full navigation, not the router.
  const url = new URL(path, publicOrigin()).toString();
  window.location.assign(url);
}

type OrganisationResource = Resource<Organisation>;

export function GeneralSection({ organisation }: { organisation: OrganisationResource }) {
  const t = useTranslations();
  const { can, reloadMe } = useOrg();
  const data = organisation.data!;
  const [name, setName] = useState(data.name);
  const { run, busy, errors, notify } = useAction({ fields: ["name"] });
  const manage = can("organisation.manage");

  function save(event: FormEvent) {
    event.preventDefault();
    void run(async () => {
      const updated = await updateOrganisation({ name: name.trim() });
      organisation.setData(() => updated);
      setName(updated.name);
      reloadMe(); // the header shows the organisation's name from /me
      notify(t("settings.general.saved"));
    });
  }

  return (
    <Card title={t("settings.general.title")}>
      {manage ? (
        <form onSubmit={save} className="space-y-4" aria-label={t("settings.general.title")}>
          <FormAlert errors={errors} />
          <TextField
            label={t("settings.general.name")}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
            errors={errors?.fields.name}
          />
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("settings.general.subdomain", { subdomain: data.subdomain })}</p>
          <Button type="submit" loading={busy} disabled={name.trim() === "" || name.trim() === data.name}>
            {busy ? t("common.saving") : t("common.save")}
          </Button>
        </form>
      ) : (
        <div className="space-y-3">
          <dl className="grid gap-3 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="font-medium text-slate-900 dark:text-slate-100">{t("settings.general.name")}</dt>
            <dd className="text-slate-700 dark:text-slate-300">{data.name}</dd>
            <dt className="font-medium text-slate-900 dark:text-slate-100">{t("settings.general.subdomainLabel")}</dt>
            <dd className="text-slate-700 dark:text-slate-300">{data.subdomain}</dd>
          </dl>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("settings.general.readOnly")}</p>
        </div>
      )}
    </Card>
  );
}

export function LogoSection({ organisation }: { organisation: OrganisationResource }) {
  const t = useTranslations();
  const dates = useDates();
  const { can } = useOrg();
  const data = organisation.data!;
  const manage = can("organisation.manage");
  const inputRef = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  // The logo's identity before the upload: the page reads the organisation until it differs (or gives up).
  const [waitingFrom, setWaitingFrom] = useState<{ previous: string | null } | null>(null);
  const [gaveUp, setGaveUp] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const { run, pending, errors, notify } = useAction<"upload" | "remove">({ fields: ["file"] });
  // The poll reads these through a ref: its timer must not restart when a render makes new functions.
  const latest = useRef({ setData: organisation.setData, done: () => notify(t("settings.logo.updated")) });
  useEffect(() => {
    latest.current = { setData: organisation.setData, done: () => notify(t("settings.logo.updated")) };
  });

  useEffect(() => {
    if (!waitingFrom) return;
    let attempts = 0;
    let timer: ReturnType<typeof setTimeout>;
    let active = true;
    const poll = () => {
      timer = setTimeout(async () => {
        attempts += 1;
        const current = await getOrganisation().catch(() => null);
        if (!active) return;
        if (current && logoIdentity(current.logoUrl) !== waitingFrom.previous) {
          latest.current.setData(() => current);
          setWaitingFrom(null);
          latest.current.done();
        } else if (attempts >= LOGO_POLL.attempts) {
          setWaitingFrom(null);
          setGaveUp(true);
        } else {
          poll();
        }
      }, LOGO_POLL.intervalMs);
    };
    poll();
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [waitingFrom]);

  function choose(file: File | null) {
    setRefused(null);
    setChosen(file);
    if (!file) return;
    if (!(LOGO_TYPES as readonly string[]).includes(file.type)) {
      setRefused(t("settings.logo.wrongType", { name: file.name }));
    } else if (file.size > LOGO_MAX_BYTES) {
      setRefused(t("settings.logo.tooLarge", { name: file.name, size: dates.bytes(file.size), limit: dates.bytes(LOGO_MAX_BYTES) }));
    }
  }

  function upload(event: FormEvent) {
    event.preventDefault();
    if (!chosen || refused) return;
    setGaveUp(false);
    void run(async () => {
      const accepted = await uploadLogo(chosen);
      organisation.setData(() => accepted);
      setChosen(null);
      if (inputRef.current) inputRef.current.value = "";
      setWaitingFrom({ previous: logoIdentity(accepted.logoUrl) });
    }, "upload");
  }

  function remove() {
    void run(async () => {
      await removeLogo();
      organisation.setData((current) => (current ? { ...current, logoUrl: null } : current));
      setWaitingFrom(null);
      setGaveUp(false);
      setConfirmRemove(false);
      notify(t("settings.logo.removed"));
    }, "remove");
  }

  const fileErrors = [...(refused ? [refused] : []), ...(errors?.fields.file ?? [])];
  const processing = waitingFrom !== null;

  return (
    <Card title={t("settings.logo.title")}>
      <div className="flex flex-wrap items-start gap-6">
        <div className="flex h-24 w-24 shrink-0 items-center justify-center overflow-hidden rounded-lg bg-slate-50 ring-1 ring-slate-200 dark:bg-slate-800 dark:ring-slate-700">
          {data.logoUrl ? (
            // A presigned object-storage URL that expires: next/image would need every bucket origin configured.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={data.logoUrl} alt={t("settings.logo.alt", { name: data.name })} className="max-h-full max-w-full object-contain" />
          ) : (
            <span className="px-2 text-center text-xs text-slate-500 dark:text-slate-400">{t("settings.logo.none")}</span>
          )}
        </div>
        <div className="min-w-0 flex-1 space-y-3">
          {processing && (
            <div role="status" className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
              <Spinner className="h-4 w-4" />
              {t("settings.logo.processing")}
            </div>
          )}
          {gaveUp && <Alert tone="warning">{t("settings.logo.slow")}</Alert>}
          {manage ? (
            <form onSubmit={upload} className="space-y-3" aria-label={t("settings.logo.title")}>
              <FormAlert errors={errors} />
              <div className="space-y-1.5">
                <label htmlFor="logo-input" className="block text-sm font-medium text-slate-900 dark:text-slate-100">
                  {t("settings.logo.choose")}
                </label>
                <p id="logo-input-hint" className="text-sm text-slate-600 dark:text-slate-400">
                  {t("settings.logo.hint", { limit: dates.bytes(LOGO_MAX_BYTES) })}
                </p>
                <input
                  id="logo-input"
                  ref={inputRef}
                  type="file"
                  accept={LOGO_TYPES.join(",")}
                  disabled={pending === "upload"}
                  aria-invalid={fileErrors.length > 0 ? true : undefined}
                  aria-describedby={cx("logo-input-hint", fileErrors.length > 0 && "logo-input-error")}
                  onChange={(e) => choose(e.target.files?.[0] ?? null)}
                  className="block w-full text-sm text-slate-700 file:mr-4 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-2 file:font-semibold file:text-indigo-700 hover:file:bg-indigo-100 dark:text-slate-300 dark:file:bg-indigo-950 dark:file:text-indigo-300 dark:hover:file:bg-indigo-900"
                />
                {fileErrors.length > 0 && (
                  <ul id="logo-input-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
                    {fileErrors.map((m) => (
                      <li key={m}>{m}</li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="flex flex-wrap gap-3">
                <Button type="submit" loading={pending === "upload"} disabled={!chosen || !!refused || processing}>
                  {t("settings.logo.upload")}
                </Button>
                {(data.logoUrl || processing) && (
                  <Button variant="secondary" onClick={() => setConfirmRemove(true)} disabled={pending !== null}>
                    {t("settings.logo.remove")}
                  </Button>
                )}
              </div>
            </form>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">{t("settings.logo.readOnly")}</p>
          )}
        </div>
      </div>
      <ConfirmDialog
        open={confirmRemove}
        title={t("settings.logo.removeTitle")}
        confirmLabel={t("settings.logo.remove")}
        danger
        busy={pending === "remove"}
        onConfirm={remove}
        onClose={() => setConfirmRemove(false)}
        description={t("settings.logo.removeBody")}
      />
    </Card>
  );
}

export function SecuritySection({ organisation }: { organisation: OrganisationResource }) {
  const t = useTranslations();
  const data = organisation.data!;
  const labelId = useId();
  const hintId = useId();
  const [mfaMissing, setMfaMissing] = useState(false);
  const { run, busy, errors, notify } = useAction({ fields: ["requireMfa"] });

  function toggle() {
    const next = !data.requireMfa;
    setMfaMissing(false);
    void run(async () => {
      try {
        const updated = await updateOrganisation({ requireMfa: next });
        organisation.setData(() => updated);
        notify(next ? t("settings.security.on") : t("settings.security.off"));
      } catch (error) {
        if (apiErrorCode(error) === "mfa_not_enabled") setMfaMissing(true);
        throw error;
      }
    });
  }

  const fieldErrors = mfaMissing ? [] : (errors?.fields.requireMfa ?? []);

  return (
    <Card title={t("settings.security.title")}>
      <div className="space-y-3">
        <FormAlert errors={errors} />
        <div className="flex items-start justify-between gap-4">
          <div>
            <p id={labelId} className="text-sm font-medium text-slate-900 dark:text-slate-100">
              {t("settings.security.requireMfa")}
            </p>
            <p id={hintId} className="text-sm text-slate-600 dark:text-slate-400">
              {t("settings.security.requireMfaHint")}
            </p>
          </div>
          <button
            type="button"
            role="switch"
            aria-checked={data.requireMfa}
            aria-labelledby={labelId}
            aria-describedby={mfaMissing || fieldErrors.length > 0 ? `${hintId} ${hintId}-error` : hintId}
            disabled={busy}
            onClick={toggle}
            className={cx(
              "relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60 dark:focus-visible:outline-indigo-400",
              data.requireMfa ? "bg-indigo-600" : "bg-slate-300 dark:bg-slate-600",
            )}
          >
            <span
              aria-hidden="true"
              className={cx(
                "inline-block h-5 w-5 rounded-full bg-white shadow transition-transform",
                data.requireMfa ? "translate-x-5" : "translate-x-0.5",
              )}
            />
          </button>
        </div>
        {(mfaMissing || fieldErrors.length > 0) && (
          <div id={`${hintId}-error`} role="alert" className="text-sm text-red-700 dark:text-red-400">
            {mfaMissing
              ? t.rich("settings.security.mfaNotEnabled", {
                  link: (chunks) => (
                    <Link href="/profile#mfa" className={linkStyles}>
                      {chunks}
                    </Link>
                  ),
                })
              : fieldErrors.join(" ")}
          </div>
        )}
      </div>
    </Card>
  );
}

export function LeaveSection({ organisation }: { organisation: OrganisationResource }) {
  const t = useTranslations();
  const data = organisation.data!;
  const [open, setOpen] = useState(false);
  const [lastOwner, setLastOwner] = useState(false);
  const { run, busy, errors } = useAction({ keepPendingOnSuccess: true });

  function leave() {
    setLastOwner(false);
    void run(async () => {
      try {
        await leaveOrganisation();
      } catch (error) {
        if (apiErrorCode(error) === "last_owner") setLastOwner(true);
        setOpen(false);
        throw error;
      }
      await leaveForPublicSite("/account");
    });
  }

  return (
    <Card title={t("settings.leave.title")}>
      <div className="space-y-3">
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("settings.leave.body", { name: data.name })}</p>
        {lastOwner ? <Alert tone="error">{t("settings.leave.lastOwner")}</Alert> : <FormAlert errors={errors} />}
        <Button variant="secondary" onClick={() => setOpen(true)} disabled={busy}>
          {t("settings.leave.button")}
        </Button>
      </div>
      <ConfirmDialog
        open={open}
        title={t("settings.leave.confirmTitle", { name: data.name })}
        confirmLabel={t("settings.leave.button")}
        danger
        busy={busy}
        onConfirm={leave}
        onClose={() => setOpen(false)}
        description={t("settings.leave.confirmBody")}
      />
    </Card>
  );
}

export function DangerZone({ organisation, onDeleted }: { organisation: OrganisationResource; onDeleted: (deletion: Deletion) => void }) {
  const t = useTranslations();
  const data = organisation.data!;
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [reason, setReason] = useState("");
  const { run, busy, errors } = useAction({ fields: ["confirm", "reason"] });

  function close() {
    setOpen(false);
    setTyped("");
    setReason("");
  }

  function confirm() {
    void run(async () => {
      const deletion = await requestDeletion({ confirm: typed, reason: reason.trim() });
      onDeleted(deletion);
    });
  }

  return (
    <section aria-labelledby="danger-zone" className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-red-200 dark:bg-slate-900 dark:ring-red-900">
      <h2 id="danger-zone" className="mb-4 text-lg font-semibold text-red-800 dark:text-red-200">
        {t("settings.danger.title")}
      </h2>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div className="max-w-xl">
          <p className="text-sm font-medium text-slate-900 dark:text-slate-100">{t("settings.danger.delete")}</p>
          <p className="text-sm text-slate-600 dark:text-slate-400">{t("settings.danger.deleteHint")}</p>
        </div>
        <Button variant="danger" onClick={() => setOpen(true)}>
          {t("settings.danger.delete")}
        </Button>
      </div>
      <ConfirmDialog
        open={open}
        title={t("settings.danger.confirmTitle", { name: data.name })}
        confirmLabel={t("settings.danger.confirmButton")}
        danger
        canConfirm={typed === data.subdomain}
        busy={busy}
        onConfirm={confirm}
        onClose={close}
        description={t("settings.danger.confirmBody")}
      >
        <FormAlert errors={errors} />
        <TextField
          label={t("settings.danger.typeSubdomain", { subdomain: data.subdomain })}
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          errors={errors?.fields.confirm}
        />
        <TextAreaField
          label={`${t("settings.danger.reason")} (${t("common.optional")})`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={2000}
          rows={3}
          errors={errors?.fields.reason}
        />
      </ConfirmDialog>
    </section>
  );
}

/** What the page shows once deletion is scheduled: the organisation is suspended, so nothing else works here. */
export function DeletionScheduled({ deletion, name }: { deletion: Deletion; name: string }) {
  const t = useTranslations();
  const dates = useDates();
  const [leaving, setLeaving] = useState(false);
  return (
    <Card title={t("settings.deleted.title", { name })}>
      <div className="space-y-4">
        <Alert tone="warning">{t("settings.deleted.body", { date: dates.dateTime(deletion.dueAt) })}</Alert>
        <Button
          loading={leaving}
          onClick={() => {
            setLeaving(true);
            void leaveForPublicSite("/");
          }}
        >
          {t("settings.deleted.leave")}
        </Button>
      </div>
    </Card>
  );
}
