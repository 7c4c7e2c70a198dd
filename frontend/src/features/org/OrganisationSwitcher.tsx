"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { Alert, cx } from "@/components/ui";
import { api } from "@/lib/api/client";
import type { Me } from "@/lib/api/types";

/** A one-time link into another of the person's organisations (shared_apps/accounts/api/switch.py). */
export const switchOrganisation = (tenantId: string) =>
  api.post<{ url: string }>(`/api/v1/me/organisations/${tenantId}/handoff/`).then((r) => r.data.url);

/**
 * The header's organisation switcher, for a person in more than one organisation: each other organisation
 * opens signed in through a one-time link (its own host, its own session), as the account page does.
 */
export function OrganisationSwitcher({ me, navigate = (url) => window.location.assign(url) }: { me: Me; navigate?: (url: string) => void }) {
  const t = useTranslations("switcher");
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        setOpen(false);
        button.current?.focus();
      }
    };
    const onClick = (event: MouseEvent) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKey);
    document.addEventListener("mousedown", onClick);
    return () => {
      document.removeEventListener("keydown", onKey);
      document.removeEventListener("mousedown", onClick);
    };
  }, [open]);

  if (me.organisations.length < 2) return null;

  async function go(organisation: Me["organisations"][number]) {
    setBusy(organisation.id);
    setFailed(null);
    try {
      navigate(await switchOrganisation(organisation.id));
    } catch {
      setBusy(null);
      setFailed(t("failed", { name: organisation.name }));
    }
  }

  return (
    <div ref={root} className="relative">
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="rounded-md px-2 py-1 text-sm font-medium text-slate-600 ring-1 ring-slate-300 hover:bg-slate-50 hover:text-slate-900 dark:text-slate-400 dark:ring-slate-600 dark:hover:bg-slate-800 dark:hover:text-slate-100"
      >
        {t("button")} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id={panelId} className="absolute left-0 z-20 mt-2 w-72 max-w-[calc(100vw-2rem)] rounded-md bg-white p-2 shadow-lg ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
          {failed && <Alert tone="error">{failed}</Alert>}
          <ul aria-label={t("list")} className="space-y-1">
            {me.organisations.map((organisation) => (
              <li key={organisation.id}>
                {organisation.current ? (
                  <span aria-current="true" className="block rounded px-3 py-2 text-sm font-semibold break-words text-slate-900 dark:text-slate-100">
                    {organisation.name} <span className="font-normal text-slate-500 dark:text-slate-400">({t("current")})</span>
                  </span>
                ) : (
                  <button
                    type="button"
                    disabled={busy !== null}
                    onClick={() => void go(organisation)}
                    className={cx(
                      "block w-full rounded px-3 py-2 text-left text-sm break-words text-slate-700 hover:bg-slate-100",
                      busy === organisation.id && "opacity-60",
                    )}
                  >
                    {organisation.name} <span className="text-slate-500 dark:text-slate-400">{organisation.subdomain}</span>
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
