"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useConfirm } from "@/components/ConfirmDialog";
import { AsyncContent } from "@/components/data";
import { useDates } from "@/components/format";
import { Alert, Button, Card, FormAlert } from "@/components/ui";
import { apiClient } from "@/lib/api/client";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";
import { endEverySession, endSession, listSessions, type Session } from "./api";

/**
 * Where the account is signed in (each sign-in is a refresh-token family: this browser on this organisation,
 * another organisation, the public site), ending one, or all of them: "sign out everywhere" ends this one
 * too, so the page goes to the sign-in page. An access token already issued stays valid until it expires
 * (at most JWT_ACCESS_MINUTES); nothing refreshes after.
 */
export function SessionsSection() {
  const t = useTranslations("profile");
  const dates = useDates();
  const router = useRouter();
  const sessions = useResource(listSessions);
  const { run, pending, busy, errors, notice, setNotice } = useAction<string>();
  const { confirm, dialog } = useConfirm();

  function end(session: Session) {
    void run(async () => {
      await endSession(session.id);
      sessions.setData((list) => list?.filter((s) => s.id !== session.id) ?? null);
      setNotice(t("sessionEnded"));
    }, session.id);
  }

  async function endEverywhere() {
    const confirmed = await confirm({
      title: t("signOutEverywhereTitle"),
      description: t("signOutEverywhereBody"),
      confirmLabel: t("signOutEverywhere"),
      danger: true,
    });
    if (!confirmed) return;
    void run(async () => {
      await endEverySession();
      apiClient.tokens.set(null); // this tab's session ended with the others: nothing may be shown from it
      router.replace("/login");
    }, "all");
  }

  return (
    <Card
      title={t("sessionsTitle")}
      actions={
        <Button variant="danger" loading={pending === "all"} disabled={busy} onClick={() => void endEverywhere()}>
          {t("signOutEverywhere")}
        </Button>
      }
    >
      {dialog}
      <div className="space-y-4">
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("sessionsIntro")}</p>
        {notice && <Alert tone="success">{notice}</Alert>}
        <FormAlert errors={errors} />
        <AsyncContent loading={sessions.loading} error={sessions.error} data={sessions.data} emptyState={<p className="text-sm text-slate-600 dark:text-slate-400">{t("noSessions")}</p>}>
          {(list) => (
            <ul aria-label={t("sessionsTitle")} className="divide-y divide-slate-100 dark:divide-slate-800">
              {list.map((session) => {
                const where = session.organisation ? session.organisation.name : t("publicSite");
                return (
                  <li key={session.id} className="flex flex-wrap items-center justify-between gap-3 py-2 text-sm">
                    <span>
                      <span className="font-medium text-slate-900 dark:text-slate-100">{where}</span>
                      {session.current && (
                        <span className="ml-2 rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-700 dark:bg-indigo-950 dark:text-indigo-300">{t("thisSession")}</span>
                      )}
                      <span className="block text-slate-600 dark:text-slate-400">
                        {t("sessionTimes", { since: dates.dateTime(session.createdAt), used: dates.dateTime(session.lastUsedAt) })}
                      </span>
                    </span>
                    {!session.current && (
                      <Button
                        variant="secondary"
                        loading={pending === session.id}
                        disabled={busy}
                        onClick={() => end(session)}
                        aria-label={t("endSessionLabel", { where })}
                      >
                        {t("endSession")}
                      </Button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </AsyncContent>
      </div>
    </Card>
  );
}
