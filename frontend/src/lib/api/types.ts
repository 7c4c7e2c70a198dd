/**
 * The HTTP contract, as the backend's OpenAPI schemas state it. Field names are the camelCase keys the API sends.
 *
 * Every type here is an alias of a generated one (src/api/schema/*.d.ts, from the schemas the backend serves at
 * `/api/schema/` on each host; regenerate with `npm run api:generate`). A test in `make test`
 * (tests/schema/test_frontend_types_current.py) fails when they are out of date. Only two things are written by
 * hand: `Paginated<T>` (a generic the schema spells out once per list) and the `Role` narrowing of `role` fields
 * the schema types as plain strings.
 */
import type { components as PublicComponents } from "@/api/schema/public";
import type { components as TenantComponents } from "@/api/schema/tenant";

/** The public host's (bare domain's) components: signup, account, plans. */
type PublicSchema = PublicComponents["schemas"];
/** An organisation host's components: everything under the organisation's own API. */
type TenantSchema = TenantComponents["schemas"];

/** `role` typed as a member's role where the schema only says `string` (`/me`, logins, the account's list). */
type WithRole<T extends { role?: unknown }> = Omit<T, "role"> & (undefined extends T["role"] ? { role?: Role } : { role: Role });

export type Role = TenantSchema["RoleEnum"];
/** What a member may do in their organisation (`/me`'s `permissions`). */
export type Permission = TenantSchema["PermissionEnum"];

export type ApiErrorItem = TenantSchema["Error"];
export type ApiErrorBody =
  | TenantSchema["ValidationErrorResponse"]
  | TenantSchema["ClientErrorResponse"]
  | TenantSchema["ServerErrorResponse"];

export interface Paginated<T> {
  count: number;
  next?: string | null;
  previous?: string | null;
  results: T[];
}

// ---- public host ------------------------------------------------------------------------------------------
export type SignupInput = PublicSchema["SignupInputRequest"];
export type SignupResult = PublicSchema["SignupOutput"];
export type TenantSummary = PublicSchema["SignupTenant"];
export type SubdomainCheck = PublicSchema["SubdomainCheckOutput"];
export type AccountTenant = WithRole<PublicSchema["AccountTenant"]>;
export type TenantCreateInput = PublicSchema["TenantCreateInputRequest"];
export type Plan = PublicSchema["Plan"];

// ---- either host: sessions --------------------------------------------------------------------------------
export type User = TenantSchema["User"];
export type TokenPair = TenantSchema["TokenPair"];
export type LoginInput = TenantSchema["LoginInputRequest"];
export type LoginResult = WithRole<TenantSchema["LoginOutput"]>;
/** A login of an account with MFA: no tokens yet; `POST /api/v1/auth/mfa/` with a code issues them. */
export type MfaChallenge = TenantSchema["MfaChallenge"];
export type LoginResponse = LoginResult | MfaChallenge;
export type MfaInput = TenantSchema["MfaInputRequest"];
/** A passwordless sign-in: the assertion of navigator.credentials.get() for `passkeyLoginOptions`. */
export type PasskeyLoginInput = TenantSchema["PasskeyLoginInputRequest"];
export type PasskeyLoginOptions = TenantSchema["PasskeyLoginOptions"];
export type RedirectUrl = TenantSchema["Url"];

// ---- organisation host ------------------------------------------------------------------------------------
export type Me = WithRole<TenantSchema["Me"]>;
export type Member = TenantSchema["Member"];
export type MemberUpdateInput = TenantSchema["MemberUpdateRequest"];
export type Invitation = TenantSchema["Invitation"];
export type InvitationCreateInput = TenantSchema["InvitationCreateRequest"];
export type InvitationAcceptInput = TenantSchema["InvitationAcceptRequest"];
export type InvitationPreview = TenantSchema["InvitationPreview"];
export type Project = TenantSchema["Project"];
export type ProjectInput = TenantSchema["ProjectInputRequest"];
export type ProjectUpdateInput = TenantSchema["ProjectUpdateRequest"];
export type StoredFile = TenantSchema["File"];
export type StoredFileDetail = TenantSchema["FileDetail"];
export type FileLimits = TenantSchema["FileLimits"];
export type ExportStatus = TenantSchema["ExportStatusEnum"];
export type ExportJob = TenantSchema["Export"];
export type Billing = TenantSchema["Billing"];
export type CheckoutInput = TenantSchema["CheckoutRequest"];
