/** The HTTP contract (API.md, version 1). Field names are the camelCase keys the API sends. */

export type Role = "owner" | "admin" | "member";

export interface ApiErrorItem {
  code: string;
  detail: string;
  attr: string | null;
}

export interface ApiErrorBody {
  type: "validation_error" | "client_error" | "server_error";
  errors: ApiErrorItem[];
}

export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface SignupInput {
  organisationName: string;
  subdomain: string;
  email: string;
  password: string;
  fullName?: string;
}

export interface TenantSummary {
  id: string;
  name: string;
  subdomain: string;
  url: string;
  status?: string;
}

export interface SignupResult {
  tenant: TenantSummary;
  user: { id: number; email: string };
}

export interface SubdomainCheck {
  subdomain: string;
  available: boolean;
  reason?: "invalid" | "reserved" | "taken" | string;
  detail?: string;
}

export interface User {
  id: number;
  email: string;
  fullName?: string;
}

export interface TokenPair {
  access: string;
  refresh?: string;
}

export interface LoginResult extends TokenPair {
  user: User;
  role?: Role;
}

export interface AccountTenant {
  id: string;
  name: string;
  subdomain: string;
  url: string;
  role: Role;
}

export interface Plan {
  code: string;
  name: string;
  priceMonthly: string | number;
  currency: string;
  seatLimit: number | null;
  features: string[] | Record<string, unknown>;
}

export interface Me {
  id: number;
  email: string;
  fullName: string;
  role: Role;
  tenant: { id: string; name: string; subdomain: string };
  impersonatedBy: { id: number; email: string } | null;
}

export interface Member {
  id: number;
  email: string;
  fullName: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string | number;
  email: string;
  role: Role;
  status: string;
  expiresAt: string;
  invitedBy?: string | { id: number; email: string } | null;
}

export interface InvitationPreview {
  organisationName: string;
  email: string;
  role: Role;
  accountExists: boolean;
}

export interface Project {
  id: string | number;
  name: string;
  description: string;
  createdAt: string;
  createdBy?: string | { id: number; email: string } | null;
}

export interface StoredFile {
  id: string | number;
  name: string;
  size: number;
  contentType: string;
  createdAt: string;
  downloadUrl?: string;
}

export type ExportStatus = "pending" | "running" | "done" | "failed";

export interface ExportJob {
  id: string | number;
  status: ExportStatus;
  downloadUrl?: string | null;
}

export interface Billing {
  plan: string | { code: string; name: string } | null;
  status: string;
  seats: { used: number; limit: number | null };
  trialEndsAt: string | null;
  currentPeriodEnd: string | null;
  features: string[] | Record<string, unknown>;
}
