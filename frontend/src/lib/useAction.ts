"use client";

import { useState } from "react";
import { toFormErrors, type FormErrors } from "@/lib/api/errors";

export interface ActionOptions {
  /** The fields the form renders: errors about them go next to the field, the rest to the top (toFormErrors). */
  fields?: readonly string[];
  /** Stay pending after a success: the action navigates away, so the button keeps saying so until it has. */
  keepPendingOnSuccess?: boolean;
  /** Sees (and may rewrite) the errors of a failed action before they are shown. */
  onError?: (errors: FormErrors) => void;
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
  /** A success message for the last action; set it from inside the action. */
  notice: string | null;
  setNotice: (notice: string | null) => void;
}

/** The submit scaffold every form and row action repeats: pending, errors from the API, a success notice. */
export function useAction<K = true>({ fields = [], keepPendingOnSuccess = false, onError }: ActionOptions = {}): Action<K> {
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
      setPending(null);
      return false;
    }
    if (!keepPendingOnSuccess) setPending(null);
    return true;
  }

  return { run, pending, busy: pending !== null, errors, setErrors, notice, setNotice };
}
