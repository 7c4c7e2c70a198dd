import type { components } from "@/api/schema/tenant";
import { api } from "@/lib/api/client";
import type { Paginated } from "@/lib/api/types";

export type AuditEntry = components["schemas"]["AuditLog"];

export interface AuditFilters {
  /** A kind ("member.") or one action ("member.role_changed"). */
  action?: string;
  /** The person who did it (email). */
  actor?: string;
  page?: number;
}

/** GET /api/v1/audit/ (owners): newest first, a page at a time. Empty filters are left out. */
export function listAudit(filters: AuditFilters): Promise<Paginated<AuditEntry>> {
  const params = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== ""));
  return api.get<Paginated<AuditEntry>>("/api/v1/audit/", { params: { pageSize: 25, ...params } }).then((r) => r.data);
}
