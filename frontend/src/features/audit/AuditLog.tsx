"use client";

import { useTranslations } from "next-intl";
import { useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { AsyncContent, DataTable } from "@/components/data";
import { useDates } from "@/components/format";
import { Button, EmptyState, SelectField, TextField } from "@/components/ui";
import { toFormErrors, type FormErrors } from "@/lib/api/errors";
import { listAudit, type AuditEntry, type AuditFilters } from "./api";

/** The kinds of entry an owner filters by: the prefixes the backend records (shared_apps/*: audit_record). */
export const AUDIT_KINDS = ["account.", "member.", "invitation.", "organisation.", "sso.", "mfa.", "billing.", "export.", "impersonation.", "tenant."] as const;

interface Page {
  entries: AuditEntry[];
  count: number;
}

/**
 * The organisation's audit log for its owners: newest first, filtered by kind and by person (the filters
 * are the API's, so a page is never filtered in the browser), a page of 25 at a time.
 */
export function AuditLog() {
  const t = useTranslations("audit");
  const dates = useDates();
  const [filters, setFilters] = useState<AuditFilters>({ page: 1 });
  const [actorDraft, setActorDraft] = useState("");
  // Keyed by the filters (the same key as the dashboard's recent activity for the first page).
  const query = useQuery({ queryKey: ["audit", filters], queryFn: () => listAudit(filters) });
  // A filter the API refused (400 naming it) is shown on the field, not as a failed page.
  const fieldErrors: FormErrors | null = query.isError ? refusedFilters(query.error) : null;
  const state = {
    page: query.data ? ({ entries: query.data.results, count: query.data.count } satisfies Page) : null,
    error: query.isError && !fieldErrors ? query.error : null,
    loading: query.isPending,
    fieldErrors,
  };

  /** New filters or another page: the list shows loading until the API answers for them. */
  function change(update: (current: AuditFilters) => AuditFilters) {
    setFilters(update);
  }

  function applyActor(event: FormEvent) {
    event.preventDefault();
    change((f) => ({ ...f, actor: actorDraft.trim(), page: 1 }));
  }

  const page = filters.page ?? 1;
  const pages = state.page ? Math.max(1, Math.ceil(state.page.count / 25)) : 1;

  return (
    <div className="space-y-4">
      <form onSubmit={applyActor} className="flex flex-wrap items-end gap-3" aria-label={t("filters")}>
        <SelectField
          label={t("kind")}
          value={filters.action ?? ""}
          onChange={(event) => change((f) => ({ ...f, action: event.target.value, page: 1 }))}
        >
          <option value="">{t("allKinds")}</option>
          {AUDIT_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {t(`kinds.${kind.slice(0, -1)}`)}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t("person")}
          type="email"
          value={actorDraft}
          onChange={(event) => setActorDraft(event.target.value)}
          placeholder="name@example.com"
          errors={state.fieldErrors?.fields.actor}
        />
        <Button type="submit" variant="secondary">
          {t("apply")}
        </Button>
      </form>
      <AsyncContent
        loading={state.loading}
        error={state.error}
        data={state.page?.entries}
        emptyState={<EmptyState title={t("empty")} />}
      >
        {(entries) => (
          <DataTable framed columns={[t("when"), t("who"), t("what"), t("target")]}>
            {entries.map((entry) => (
              <tr key={entry.id} className="align-top">
                <td className="whitespace-nowrap px-4 py-3 text-slate-600 dark:text-slate-400">{dates.dateTime(entry.createdAt)}</td>
                <td className="px-4 py-3 break-words">{actorEmail(entry) ?? t("system")}</td>
                <td className="px-4 py-3">
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-800 dark:text-slate-200">{entry.action}</code>
                </td>
                <td className="px-4 py-3 text-slate-600 dark:text-slate-400">{entry.targetType ? `${entry.targetType} ${entry.targetId ?? ""}` : "—"}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </AsyncContent>
      {state.page && pages > 1 && (
        <nav aria-label={t("pagination")} className="flex items-center justify-between text-sm">
          <Button variant="secondary" disabled={page <= 1} onClick={() => change((f) => ({ ...f, page: page - 1 }))}>
            {t("newer")}
          </Button>
          <span className="text-slate-600 dark:text-slate-400">{t("pageOf", { page, pages })}</span>
          <Button variant="secondary" disabled={page >= pages} onClick={() => change((f) => ({ ...f, page: page + 1 }))}>
            {t("older")}
          </Button>
        </nav>
      )}
    </div>
  );
}

function refusedFilters(error: unknown): FormErrors | null {
  const errors = toFormErrors(error, ["actor", "action"]);
  return Object.keys(errors.fields).length > 0 ? errors : null;
}

function actorEmail(entry: AuditEntry): string | null {
  const email = entry.actor?.["email"];
  return typeof email === "string" && email ? email : null;
}
