"use client";

import { useTranslations } from "next-intl";
import {
  forwardRef,
  useId,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from "react";
import { generalMessages, type FormErrors } from "@/lib/api/errors";

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(" ");
}

const focusRing =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400";

type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

const buttonStyles: Record<ButtonVariant, string> = {
  primary: "bg-indigo-600 text-white hover:bg-indigo-500 disabled:bg-indigo-300 dark:disabled:bg-indigo-800",
  secondary: "bg-white text-slate-900 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:text-slate-400 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600 dark:hover:bg-slate-800 dark:disabled:text-slate-500",
  danger: "bg-red-600 text-white hover:bg-red-500 disabled:bg-red-300 dark:disabled:bg-red-900",
  ghost: "text-slate-700 hover:bg-slate-100 disabled:text-slate-400 dark:text-slate-300 dark:hover:bg-slate-800 dark:disabled:text-slate-500",
};

export function Button({
  variant = "primary",
  loading = false,
  className,
  children,
  disabled,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: ButtonVariant; loading?: boolean }) {
  return (
    <button
      type="button"
      {...props}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      className={cx(
        "inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-semibold shadow-sm transition-colors disabled:cursor-not-allowed",
        focusRing,
        buttonStyles[variant],
        className,
      )}
    >
      {loading && <Spinner className="h-4 w-4" />}
      {children}
    </button>
  );
}

export function Spinner({ className, label }: { className?: string; label?: string }) {
  return (
    <svg
      className={cx("animate-spin", className ?? "h-5 w-5")}
      viewBox="0 0 24 24"
      fill="none"
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    >
      <circle className="opacity-25" cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" />
      <path className="opacity-75" fill="currentColor" d="M4 12a8 8 0 018-8v4a4 4 0 00-4 4H4z" />
    </svg>
  );
}

export function Loading({ label }: { label?: string }) {
  const t = useTranslations("common");
  return (
    <div role="status" className="flex items-center gap-3 py-8 text-slate-600 dark:text-slate-400">
      <Spinner />
      <span>{label ?? t("loading")}</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border-2 border-dashed border-slate-200 p-8 text-center dark:border-slate-700">
      <p className="font-medium text-slate-900 dark:text-slate-100">{title}</p>
      {children && <div className="mt-2 text-sm text-slate-600 dark:text-slate-400">{children}</div>}
    </div>
  );
}

type AlertTone = "error" | "success" | "info" | "warning";
const alertStyles: Record<AlertTone, string> = {
  error: "bg-red-50 text-red-800 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900",
  success: "bg-green-50 text-green-800 ring-green-200 dark:bg-green-950 dark:text-green-200 dark:ring-green-900",
  info: "bg-sky-50 text-sky-800 ring-sky-200 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-900",
  warning: "bg-amber-50 text-amber-900 ring-amber-200 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-900",
};

export function Alert({ tone = "info", children, className }: { tone?: AlertTone; children: ReactNode; className?: string }) {
  return (
    <div
      role={tone === "error" ? "alert" : "status"}
      className={cx("rounded-md p-3 text-sm ring-1 ring-inset", alertStyles[tone], className)}
    >
      {children}
    </div>
  );
}

/** Errors that belong to no field of the form (attr null, or a field the form does not show). */
export function FormAlert({ errors }: { errors: FormErrors | null }) {
  const t = useTranslations("errors");
  if (!errors || errors.general.length === 0) return null;
  return (
    <Alert tone="error">
      <ul className="space-y-1">
        {generalMessages(errors, t).map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </Alert>
  );
}

interface FieldShellProps {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  status?: ReactNode;
  children: ReactNode;
}

function FieldShell({ id, label, hint, errors, status, children }: FieldShellProps) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-900 dark:text-slate-100">
        {label}
      </label>
      {children}
      {status}
      {hint && (
        <div id={`${id}-hint`} className="text-sm text-slate-600 dark:text-slate-400">
          {hint}
        </div>
      )}
      {errors && errors.length > 0 && (
        <ul id={`${id}-error`} className="space-y-0.5 text-sm text-red-700 dark:text-red-400">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function describedBy(id: string, hint: unknown, errors: string[] | undefined, extra?: string) {
  return (
    [errors && errors.length > 0 ? `${id}-error` : null, hint ? `${id}-hint` : null, extra ?? null].filter(Boolean).join(" ") ||
    undefined
  );
}

const controlStyles =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-500 disabled:bg-slate-50 dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-600 dark:placeholder:text-slate-500 dark:focus:ring-indigo-400 dark:disabled:bg-slate-800";

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id"> & {
  label: string;
  hint?: ReactNode;
  errors?: string[];
  status?: ReactNode;
  statusId?: string;
  addon?: ReactNode;
};

export const TextField = forwardRef<HTMLInputElement, TextFieldProps>(function TextField(
  { label, hint, errors, status, statusId, addon, className, ...props },
  ref,
) {
  const id = useId();
  const input = (
    <input
      ref={ref}
      id={id}
      aria-invalid={errors && errors.length > 0 ? true : undefined}
      aria-describedby={describedBy(id, hint, errors, statusId)}
      className={cx(controlStyles, addon ? "rounded-r-none" : undefined, className)}
      {...props}
    />
  );
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors} status={status}>
      {addon ? (
        <div className="flex">
          {input}
          <span className="inline-flex items-center rounded-r-md bg-slate-50 px-3 text-sm text-slate-600 ring-1 ring-inset ring-slate-300 dark:bg-slate-800 dark:text-slate-400 dark:ring-slate-600">
            {addon}
          </span>
        </div>
      ) : (
        input
      )}
    </FieldShell>
  );
});

export function TextAreaField({
  label,
  hint,
  errors,
  className,
  ...props
}: Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id"> & { label: string; hint?: ReactNode; errors?: string[] }) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <textarea
        id={id}
        aria-invalid={errors && errors.length > 0 ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        className={cx(controlStyles, className)}
        {...props}
      />
    </FieldShell>
  );
}

export function SelectField({
  label,
  hint,
  errors,
  className,
  children,
  ...props
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & { label: string; hint?: ReactNode; errors?: string[] }) {
  const id = useId();
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <select
        id={id}
        aria-invalid={errors && errors.length > 0 ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        className={cx(controlStyles, "pr-8", className)}
        {...props}
      >
        {children}
      </select>
    </FieldShell>
  );
}

export function Card({ title, children, actions }: { title?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
      {(title || actions) && (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
          {title && <h2 className="text-lg font-semibold text-slate-900 dark:text-slate-100">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900 dark:text-slate-100">{title}</h1>
        {description && <p className="mt-1 text-slate-600 dark:text-slate-400">{description}</p>}
      </div>
      {actions}
    </div>
  );
}

export const linkStyles = cx("font-medium text-indigo-700 underline-offset-2 hover:underline rounded-sm dark:text-indigo-300", focusRing);
