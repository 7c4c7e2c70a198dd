"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useDates } from "@/components/format";
import { Alert, Button, Card, cx } from "@/components/ui";
import { logoIdentity } from "@/features/settings/api";
import { getMe } from "@/lib/api/endpoints";
import type { Me } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { AVATAR_MAX_BYTES, AVATAR_TYPES, removeAvatar, uploadAvatar } from "./api";

/** How often, and how many times, the page reads `/me` again after an upload (the worker's resize). */
export const AVATAR_POLL = { intervalMs: 1000, attempts: 30 };

/** The person's picture, or their initials: in the header's menu and here. */
export function Avatar({
  me,
  size = "md",
  label = "",
}: {
  me: Pick<Me, "avatarUrl" | "fullName" | "email">;
  size?: "sm" | "md";
  /** The picture's alternative text; empty where the name is written beside it. */
  label?: string;
}) {
  const box = size === "sm" ? "h-8 w-8 text-xs" : "h-16 w-16 text-lg";
  if (me.avatarUrl) {
    // eslint-disable-next-line @next/next/no-img-element -- a presigned URL on another host: next/image would proxy it
    return <img src={me.avatarUrl} alt={label} className={cx(box, "rounded-full object-cover ring-1 ring-slate-200")} />;
  }
  const initials = (me.fullName || me.email)
    .split(/[\s@.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]!.toUpperCase())
    .join("");
  return (
    <span aria-hidden="true" className={cx(box, "inline-flex items-center justify-center rounded-full bg-indigo-100 font-semibold text-indigo-800")}>
      {initials}
    </span>
  );
}

export function AvatarSection({ me }: { me: Me }) {
  const t = useTranslations("profile");
  const dates = useDates();
  const queryClient = useQueryClient();
  const inputRef = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  // The avatar's identity before the upload: the page reads /me until it differs (or gives up).
  const [waitingFrom, setWaitingFrom] = useState<{ previous: string | null } | null>(null);
  const [gaveUp, setGaveUp] = useState(false);
  const { run, pending, errors, notice, setNotice } = useAction<"upload" | "remove">({ fields: ["image"] });
  const done = useRef(() => setNotice(t("avatarUpdated")));
  useEffect(() => {
    done.current = () => setNotice(t("avatarUpdated"));
  });

  useEffect(() => {
    if (!waitingFrom) return;
    let attempts = 0;
    let active = true;
    let timer: ReturnType<typeof setTimeout>;
    const poll = () => {
      timer = setTimeout(async () => {
        attempts += 1;
        const current = await getMe().catch(() => null);
        if (!active) return;
        if (current && logoIdentity(current.avatarUrl) !== waitingFrom.previous) {
          queryClient.setQueryData<Me>(["me"], current);
          setWaitingFrom(null);
          done.current();
        } else if (attempts >= AVATAR_POLL.attempts) {
          setWaitingFrom(null);
          setGaveUp(true);
        } else {
          poll();
        }
      }, AVATAR_POLL.intervalMs);
    };
    poll();
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [waitingFrom, queryClient]);

  function choose(file: File | null) {
    setRefused(null);
    setChosen(file);
    if (!file) return;
    if (!(AVATAR_TYPES as readonly string[]).includes(file.type)) {
      setRefused(t("avatarWrongType", { name: file.name }));
    } else if (file.size > AVATAR_MAX_BYTES) {
      setRefused(t("avatarTooLarge", { name: file.name, size: dates.bytes(file.size), limit: dates.bytes(AVATAR_MAX_BYTES) }));
    }
  }

  function upload(event: FormEvent) {
    event.preventDefault();
    if (!chosen || refused) return;
    setGaveUp(false);
    void run(async () => {
      const accepted = await uploadAvatar(chosen);
      setChosen(null);
      if (inputRef.current) inputRef.current.value = "";
      setWaitingFrom({ previous: logoIdentity(accepted.avatarUrl) });
    }, "upload");
  }

  function remove() {
    void run(async () => {
      await removeAvatar();
      queryClient.setQueryData<Me>(["me"], (current) => (current ? { ...current, avatarUrl: null } : current));
      setWaitingFrom(null);
      setNotice(t("avatarRemoved"));
    }, "remove");
  }

  const fileErrors = [...(refused ? [refused] : []), ...(errors?.fields.image ?? [])];
  const processing = waitingFrom !== null;

  return (
    <Card title={t("avatarTitle")}>
      <div className="flex flex-wrap items-start gap-4">
        <Avatar me={me} label={t("avatarAlt")} />
        <form onSubmit={upload} className="min-w-0 flex-1 space-y-3" aria-label={t("avatarTitle")}>
          {notice && <Alert tone="success">{notice}</Alert>}
          {processing && (
            <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
              {t("avatarProcessing")}
            </p>
          )}
          {gaveUp && <Alert tone="warning">{t("avatarSlow")}</Alert>}
          {errors?.general && errors.general.length > 0 && <Alert tone="error">{errors.general.join(" ")}</Alert>}
          <div className="space-y-1">
            <label htmlFor="avatar-input" className="block text-sm font-medium text-slate-900 dark:text-slate-100">
              {t("avatarChoose")}
            </label>
            <p id="avatar-input-hint" className="text-sm text-slate-600 dark:text-slate-400">
              {t("avatarHint", { limit: dates.bytes(AVATAR_MAX_BYTES) })}
            </p>
            <input
              ref={inputRef}
              id="avatar-input"
              type="file"
              accept={AVATAR_TYPES.join(",")}
              onChange={(e) => choose(e.target.files?.[0] ?? null)}
              aria-invalid={fileErrors.length > 0 ? true : undefined}
              aria-describedby={cx("avatar-input-hint", fileErrors.length > 0 && "avatar-input-error")}
              className="block w-full text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-medium dark:text-slate-300 dark:file:bg-slate-800"
            />
            {fileErrors.length > 0 && (
              <ul id="avatar-input-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
                {fileErrors.map((message) => (
                  <li key={message}>{message}</li>
                ))}
              </ul>
            )}
          </div>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" loading={pending === "upload"} disabled={!chosen || refused !== null || pending !== null}>
              {t("avatarUpload")}
            </Button>
            {(me.avatarUrl || processing) && (
              <Button variant="secondary" loading={pending === "remove"} disabled={pending !== null} onClick={remove}>
                {t("avatarRemove")}
              </Button>
            )}
          </div>
        </form>
      </div>
    </Card>
  );
}
