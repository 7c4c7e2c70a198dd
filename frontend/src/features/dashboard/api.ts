import type { components } from "@/api/schema/tenant";
import { api } from "@/lib/api/client";

export type Overview = components["schemas"]["Overview"];

/** GET /api/v1/organisation/overview/: the dashboard's numbers and onboarding checklist, in one request. */
export const getOverview = () => api.get<Overview>("/api/v1/organisation/overview/").then((r) => r.data);
