"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { toast } from "sonner";
import { generalMessages, toFormErrors, type FormErrors } from "@/lib/api/errors";

export interface ActionOptions {
  /** The fields the form renders: errors about them go next to the field, the rest to the top (toFormErrors). */
  fields?: readonly string[];
  /** Stay pending after a success: the action navigates away, so the button keeps saying so until it has. */
  keepPendingOnSuccess?: boolean;
  /** Sees (and may rewrite) the errors of a failed action before they are shown. */
  onError?: (errors: FormErrors) => void;
  /**
   * A failure's messages that belong to no field also go to an error toast: for row actions (delete, remove,
   * revoke...) that have no form to show them in. A form keeps them inline instead (FormAlert), next to its fields.
   */
  toastErrors?: boolean;
}

export interface Action<K> {
  /**
   * Runs `action`: pending (with `key`, e.g. the row acted on) while it runs, the previous errors and notice
   * cleared when it starts, its failure shown as `errors`. Resolves to whether it succeeded; never rejects.
   */
  run: (action: () => Promise<unknown>, key?: K) => Promise<boolean>;
  /** The key of the action running, or null. */
  pending: K | null;
  busy: boolean;
  errors: FormErrors | null;
  setErrors: (errors: FormErrors | null) => void;
  /** A success message shown inline, for the last action; set it from inside the action. */
  notice: string | null;
  setNotice: (notice: string | null) => void;
  /** A success message as a toast (it outlives the component: fine after a delete removed the row). */
  notify: (message: string) => void;
}

/** The submit scaffold every form and row action repeats: pending, errors from the API, a success notice or toast. */
export function useAction<K = true>({
  fields = [],
  keepPendingOnSuccess = false,
  onError,
  toastErrors = false,
}: ActionOptions = {}): Action<K> {
  const t = useTranslations("errors");
  const [pending, setPending] = useState<K | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function run(action: () => Promise<unknown>, key?: K): Promise<boolean> {
    setPending(key ?? (true as K));
    setErrors(null);
    setNotice(null);
    try {
      await action();
    } catch (error) {
      const formErrors = toFormErrors(error, fields);
      onError?.(formErrors);
      setErrors(formErrors);
      if (toastErrors) for (const message of generalMessages(formErrors, t)) toast.error(message);
      setPending(null);
      return false;
    }
    if (!keepPendingOnSuccess) setPending(null);
    return true;
  }

  return { run, pending, busy: pending !== null, errors, setErrors, notice, setNotice, notify: (message) => toast.success(message) };
}
