"use client";

import { useTranslations } from "next-intl";
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from "react";
import { Button } from "@/components/ui";

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What confirming does: the dialog's accessible description (aria-describedby). */
  description?: ReactNode;
  /** More content after the description (e.g. a field to type into), not part of the description. */
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

const FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

/**
 * A confirmation in the native <dialog> shown with showModal(): the browser makes the rest of the page inert
 * and closes it on Escape (the `cancel` event, routed to onClose so React's state stays the truth). Tab and
 * Escape are also handled here: Tab wraps inside the dialog (the browser would go on to its own toolbar), and
 * Escape while busy does nothing. Focus goes to the first field (or the Cancel button: the safe choice) when it
 * opens and back to whatever opened it when it closes.
 */
export function ConfirmDialog({
  open,
  title,
  description,
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
  const descriptionId = useId();

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

  function keyDown(event: KeyboardEvent<HTMLDialogElement>) {
    if (event.key === "Escape") {
      event.preventDefault();
      if (!busy) onClose();
    } else if (event.key === "Tab") {
      const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!first || !last) return;
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={open && description ? descriptionId : undefined}
      onKeyDown={keyDown}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      // Chrome may close it on Escape without a cancelable `cancel` (no user activation since the last one).
      onClose={() => {
        if (open) onClose();
      }}
      className="m-auto w-full max-w-lg rounded-lg bg-white p-0 text-slate-900 shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700 dark:backdrop:bg-black/70"
    >
      {open && (
        <form onSubmit={submit} className="space-y-4 p-6">
          <h2 id={titleId} className="text-lg font-semibold break-words text-slate-900 dark:text-slate-100">
            {title}
          </h2>
          {(description || children) && (
            <div className="space-y-3 text-sm text-slate-700 dark:text-slate-300">
              {description && <p id={descriptionId}>{description}</p>}
              {children}
            </div>
          )}
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

export interface ConfirmOptions {
  title: string;
  description?: ReactNode;
  confirmLabel: string;
  /** True for what cannot be undone (delete, remove, revoke): the confirm button is red. */
  danger?: boolean;
}

interface Pending extends ConfirmOptions {
  resolve: (confirmed: boolean) => void;
}

/**
 * The accessible replacement for window.confirm: `if (!(await confirm({...}))) return;`. The component renders
 * `dialog` somewhere (it is a modal, so where does not matter); `confirm` opens it and resolves to true when
 * the person confirms, false when they cancel (the button, Escape) or the component goes away.
 */
export function useConfirm(): { confirm: (options: ConfirmOptions) => Promise<boolean>; dialog: ReactNode } {
  const [pending, setPending] = useState<Pending | null>(null);
  const current = useRef<Pending | null>(null);

  const settle = useCallback((confirmed: boolean) => {
    current.current?.resolve(confirmed);
    current.current = null;
    setPending(null);
  }, []);

  const confirm = useCallback((options: ConfirmOptions) => {
    current.current?.resolve(false); // a second question replaces the first: that one is answered "no"
    return new Promise<boolean>((resolve) => {
      const next = { ...options, resolve };
      current.current = next;
      setPending(next);
    });
  }, []);

  // Unmounted with a question open (navigated away): whoever awaits it is told "no" rather than left hanging.
  useEffect(() => () => current.current?.resolve(false), []);

  const dialog = (
    <ConfirmDialog
      open={pending !== null}
      title={pending?.title ?? ""}
      description={pending?.description}
      confirmLabel={pending?.confirmLabel ?? ""}
      danger={pending?.danger}
      onConfirm={() => settle(true)}
      onClose={() => settle(false)}
    />
  );
  return { confirm, dialog };
}
