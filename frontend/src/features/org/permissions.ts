import type { Permission, Role } from "@/lib/api/types";

/** The roles a member may give (invite with, or change someone to), from `/me`'s `permissions`: the backend
 * decides what each role may do, the UI only reads it. */
export function assignableRoles(permissions: readonly Permission[]): Role[] {
  if (!permissions.includes("members.manage")) return [];
  // Nobody grants above their own role: owners are given only by those who may manage owners.
  return permissions.includes("owners.manage") ? ["member", "admin", "owner"] : ["member", "admin"];
}
