/** The signed-in person's own record on this host (`/api/v1/me/...`, shared_apps/accounts/api/profile.py). */
import type { components } from "@/api/schema/tenant";
import { api } from "@/lib/api/client";
import { asList } from "@/lib/api/endpoints";
import type { Me, Paginated } from "@/lib/api/types";

type Schema = components["schemas"];

export type Session = Schema["Session"];
export type PasswordChangeInput = Schema["PasswordChangeRequest"];

/** What the backend accepts for an avatar (shared_apps/accounts/avatars.py): checked before sending. */
export const AVATAR_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;

export const updateMe = (input: Schema["MeUpdateRequest"]) => api.patch<Me>("/api/v1/me/", input).then((r) => r.data);

/** 202: the body is `/me` as it is now; the resized avatar shows in a later GET (a worker makes it). */
export function uploadAvatar(file: File) {
  const body = new FormData();
  body.append("image", file);
  return api.put<Me>("/api/v1/me/avatar/", body).then((r) => r.data);
}
export const removeAvatar = () => api.delete("/api/v1/me/avatar/").then(() => undefined);

/** The other sessions end; this one stays. */
export const changePassword = (input: PasswordChangeInput) => api.post("/api/v1/me/password/", input).then(() => undefined);

export const listSessions = () => api.get<Session[] | Paginated<Session>>("/api/v1/me/sessions/").then((r) => asList(r.data));
export const endSession = (id: Session["id"]) => api.delete(`/api/v1/me/sessions/${id}/`).then(() => undefined);
/** Every session of the account ends, this one included (the refresh cookie is cleared). */
export const endEverySession = () => api.post("/api/v1/me/sessions/revoke-all/").then(() => undefined);
