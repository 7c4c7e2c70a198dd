"use client";

import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** Danger styling for what cannot be undone. */
  danger?: boolean;
  /** False keeps the confirm button disabled (e.g. until the subdomain is typed). */
  canConfirm?: boolean;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}

/**
 * A confirmation in the native <dialog> shown with showModal(): the browser makes the rest of the page inert,
 * traps Tab inside and closes it on Escape (the `cancel` event, routed to onClose so React's state stays the
 * truth). Focus goes to the first field (or the Cancel button: the safe choice) when it opens and back to
 * whatever opened it when it closes.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger = false,
  canConfirm = true,
  busy = false,
  onConfirm,
  onClose,
}: ConfirmDialogProps) {
  const t = useTranslations("common");
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      // jsdom (the unit tests) has no showModal: the open attribute shows it there.
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      const field = dialog.querySelector<HTMLElement>("input, textarea, select");
      (field ?? dialog.querySelector<HTMLElement>("[data-dialog-cancel]"))?.focus();
    } else if (!open) {
      if (dialog.open) {
        if (typeof dialog.close === "function") dialog.close();
        else dialog.removeAttribute("open");
      }
      opener.current?.focus();
      opener.current = null;
    }
  }, [open]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (canConfirm && !busy) onConfirm();
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      // Chrome may close it on Escape without a cancelable `cancel` (no user activation since the last one).
      onClose={() => {
        if (open) onClose();
      }}
      className="m-auto w-full max-w-lg rounded-lg bg-white p-0 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/50"
    >
      {open && (
        <form onSubmit={submit} className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          {children && <div className="space-y-3 text-sm text-slate-700">{children}</div>}
          <div className="flex flex-wrap justify-end gap-3">
            <Button data-dialog-cancel variant="secondary" onClick={onClose} disabled={busy}>
              {t("cancel")}
            </Button>
            <Button type="submit" variant={danger ? "danger" : "primary"} disabled={!canConfirm} loading={busy}>
              {confirmLabel}
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}
