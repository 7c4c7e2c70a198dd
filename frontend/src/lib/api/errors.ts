import { isAxiosError } from "axios";
import type { ApiErrorBody } from "./types";

/** A failed request as a form shows it: messages per field (keyed by the API's camelCase `attr`) and the rest. */
export interface FormErrors {
  fields: Record<string, string[]>;
  general: string[];
  status: number | null;
  retryAfter: number | null;
}

/** allauth headless answers errors as `{status, errors: [{message, code, param}]}`; ours as ApiErrorBody. */
interface AllauthErrorItem {
  message?: string;
  code?: string;
  param?: string;
}

function errorItems(data: unknown): { attr: string | null; detail: string }[] | null {
  if (typeof data !== "object" || data === null) return null;
  const errors = (data as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return null;
  return (errors as (Partial<ApiErrorBody["errors"][number]> & AllauthErrorItem)[]).map((item) => ({
    attr: item.attr ?? item.param ?? null,
    detail: item.detail ?? item.message ?? item.code ?? "",
  }));
}

/**
 * Maps the API's one error shape to form errors. `knownFields` are the fields the form renders; an error whose
 * attr is not one of them (or is null / `nonFieldErrors`) is shown at the top of the form instead of being lost.
 */
export function toFormErrors(error: unknown, knownFields: readonly string[] = []): FormErrors {
  const result: FormErrors = { fields: {}, general: [], status: null, retryAfter: null };
  if (!isAxiosError(error)) {
    result.general.push(error instanceof Error ? error.message : String(error));
    return result;
  }
  result.status = error.response?.status ?? null;
  const retryAfter = error.response?.headers?.["retry-after"];
  if (retryAfter !== undefined) result.retryAfter = Number(retryAfter) || null;
  const data: unknown = error.response?.data;
  if (!error.response) {
    result.general.push("network");
    return result;
  }
  const items = errorItems(data);
  if (!items || items.length === 0) {
    result.general.push(`http_${error.response.status}`);
    return result;
  }
  for (const item of items) {
    const attr = item.attr?.split(".")[0] ?? null;
    if (attr && knownFields.includes(attr)) {
      (result.fields[attr] ??= []).push(item.detail);
    } else {
      result.general.push(item.detail);
    }
  }
  return result;
}

/** The `errors` messages a text needs: next-intl's `useTranslations("errors")` fits. */
type ErrorTranslator = (key: "network" | "rateLimited" | "http", values?: Record<string, string | number>) => string;

/**
 * The errors that belong to no field, as the person reads them (deduplicated): the codes toFormErrors leaves
 * for what carried no message (no connection, a bare HTTP status, too many attempts) translated.
 */
export function generalMessages(errors: FormErrors, t: ErrorTranslator): string[] {
  const text = (message: string) => {
    if (message === "network") return t("network");
    if (errors.status === 429) return t("rateLimited", { seconds: errors.retryAfter ?? 60 });
    if (message.startsWith("http_")) return t("http", { status: message.slice(5) });
    return message;
  };
  return [...new Set(errors.general.map(text))];
}

export function hasErrors(errors: FormErrors | null): errors is FormErrors {
  return !!errors && (errors.general.length > 0 || Object.keys(errors.fields).length > 0);
}

/** The machine-readable code of a failed request's first error (ours or allauth's), e.g. `invalid_code`; or null. */
export function apiErrorCode(error: unknown): string | null {
  if (!isAxiosError(error)) return null;
  const data: unknown = error.response?.data;
  if (typeof data !== "object" || data === null) return null;
  const errors = (data as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return null;
  const code = (errors[0] as { code?: unknown }).code;
  return typeof code === "string" ? code : null;
}
