"use client";

import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Alert, Loading, cx } from "@/components/ui";

/**
 * The states a loaded list goes through: the load-failed alert, the spinner, the empty state, then the list.
 * `children` is a function so that it runs only once the list is there (and gets it typed as non-null).
 */
export function AsyncContent<L extends readonly unknown[]>({
  loading,
  error,
  data,
  emptyState,
  children,
}: {
  loading: boolean;
  /** Anything truthy shows the load-failed alert. */
  error: unknown;
  /** A missing list (null or undefined) once loading is over counts as empty. */
  data: L | null | undefined;
  emptyState: ReactNode;
  children: (data: L) => ReactNode;
}) {
  const t = useTranslations("errors");
  if (error) return <Alert tone="error">{t("loadFailed")}</Alert>;
  if (loading) return <Loading />;
  if (!data?.length) return <>{emptyState}</>;
  return <>{children(data)}</>;
}

const tableStyles = {
  framed: {
    wrapper: "relative overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200 focus-visible:outline-2 focus-visible:outline-indigo-600 dark:bg-slate-900 dark:ring-slate-700 dark:focus-visible:outline-indigo-400",
    thead: "bg-slate-50 text-left text-slate-700 dark:bg-slate-800 dark:text-slate-300",
    th: "px-4 py-3",
  },
  plain: {
    wrapper: "relative overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600 dark:focus-visible:outline-indigo-400",
    thead: "text-left text-slate-700 dark:text-slate-300",
    th: "py-2 pr-4",
  },
} as const;

/**
 * A table's scaffold: the scrolling wrapper, a header row of `columns` (plus, with `actionsLabel`,
 * a last column whose header only screen readers hear) and a body for the page's own rows.
 * `framed` draws it as a card of its own (shaded header, px-4 cells); without it, it is a plain table for inside a Card
 * (rows then use `py-2 pr-4` cells).
 *
 * On a phone the table scrolls inside its wrapper, never the page: the wrapper is `relative` so that the
 * screen-reader-only header (absolutely positioned) is clipped with the rest instead of widening the page,
 * and it can take focus so a keyboard can scroll it (axe: scrollable-region-focusable).
 */
export function DataTable({
  columns,
  actionsLabel,
  framed = false,
  children,
}: {
  columns: readonly string[];
  actionsLabel?: string;
  framed?: boolean;
  children: ReactNode;
}) {
  const styles = tableStyles[framed ? "framed" : "plain"];
  return (
    <div className={styles.wrapper} role="region" aria-label={columns.join(", ")} tabIndex={0}>
      <table className="min-w-full divide-y divide-slate-200 text-sm dark:divide-slate-700">
        <thead className={styles.thead}>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className={cx(styles.th, "font-semibold")}>
                {column}
              </th>
            ))}
            {actionsLabel !== undefined && (
              <th scope="col" className={framed ? "px-4 py-3" : "py-2"}>
                <span className="sr-only">{actionsLabel}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">{children}</tbody>
      </table>
    </div>
  );
}
