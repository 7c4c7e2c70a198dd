"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { personLabel, useDates } from "@/components/format";
import { useConfirm } from "@/components/ConfirmDialog";
import { AsyncContent, DataTable } from "@/components/data";
import { Alert, Button, Card, EmptyState, FormAlert, PageHeader, SelectField, TextField } from "@/components/ui";
import { useOrg } from "@/features/org/OrgShell";
import { createInvitation, listInvitations, resendInvitation, revokeInvitation } from "@/lib/api/endpoints";
import type { Invitation, Role } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";

const FIELDS = ["email", "role"] as const;

export default function InvitationsPage() {
  const t = useTranslations();
  const { can, assignableRoles } = useOrg();
  const dates = useDates();
  const invitations = useResource(listInvitations);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  // The invite form shows its errors inline, next to its fields; the rows' failures are toasts. Successes: toasts.
  const form = useAction({ fields: FIELDS });
  const rows = useAction<Invitation["id"]>({ toastErrors: true });
  const { busy: sending, errors: formErrors } = form;
  const { pending: busy } = rows;
  const { confirm, dialog } = useConfirm();

  if (!can("members.manage")) return <Alert tone="info">{t("invitations.noPermission")}</Alert>;

  function invite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void form.run(async () => {
      const invitation = await createInvitation(email, role);
      invitations.setData((list) => [invitation, ...(list ?? [])]);
      form.notify(t("invitations.sent", { email: invitation.email }));
      setEmail("");
    });
  }

  async function act(invitation: Invitation, action: "resend" | "revoke") {
    if (action === "revoke") {
      const confirmed = await confirm({
        title: t("invitations.confirmRevokeTitle", { email: invitation.email }),
        description: t("invitations.confirmRevokeBody"),
        confirmLabel: t("invitations.revoke"),
        danger: true,
      });
      if (!confirmed) return;
    }
    void rows.run(async () => {
      if (action === "resend") {
        await resendInvitation(invitation.id);
        rows.notify(t("invitations.resent", { email: invitation.email }));
        invitations.reload();
      } else {
        await revokeInvitation(invitation.id);
        invitations.setData((list) => list?.filter((i) => i.id !== invitation.id) ?? null);
        rows.notify(t("invitations.revoked", { email: invitation.email }));
      }
    }, invitation.id);
  }

  const pending = invitations.data?.filter((i) => !i.status || i.status === "pending") ?? [];

  return (
    <>
      <PageHeader title={t("invitations.title")} description={t("invitations.subtitle")} />
      <div className="space-y-6">
        <Card title={t("invitations.inviteTitle")}>
          <form onSubmit={invite} noValidate className="grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start">
            <div className="sm:col-span-3">
              <FormAlert errors={formErrors} />
            </div>
            <TextField
              label={t("invitations.email")}
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              errors={formErrors?.fields.email}
            />
            <SelectField
              label={t("invitations.role")}
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              errors={formErrors?.fields.role}
            >
              {assignableRoles.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </SelectField>
            <Button type="submit" loading={sending} className="sm:mt-7">
              {sending ? t("invitations.sending") : t("invitations.send")}
            </Button>
          </form>
        </Card>
        <Card title={t("invitations.pending")}>
          <AsyncContent
            loading={invitations.loading}
            error={invitations.error}
            data={pending}
            emptyState={<EmptyState title={t("invitations.empty")} />}
          >
            {(list) => (
              <DataTable
                columns={[t("invitations.email"), t("invitations.role"), t("invitations.invitedBy"), t("invitations.expires")]}
                actionsLabel={t("common.actions")}
              >
                {list.map((invitation) => (
                  <tr key={invitation.id}>
                    <td className="py-2 pr-4 font-medium text-slate-900 dark:text-slate-100">{invitation.email}</td>
                    <td className="py-2 pr-4">{t(`roles.${invitation.role}`)}</td>
                    <td className="py-2 pr-4 text-slate-700 dark:text-slate-300">{personLabel(invitation.invitedBy)}</td>
                    <td className="py-2 pr-4 text-slate-700 dark:text-slate-300">{dates.dateTime(invitation.expiresAt)}</td>
                    <td className="flex justify-end gap-2 py-2">
                      <Button
                        variant="secondary"
                        aria-label={t("invitations.resendTo", { email: invitation.email })}
                        disabled={busy !== null}
                        loading={busy === invitation.id}
                        onClick={() => void act(invitation, "resend")}
                      >
                        {t("invitations.resend")}
                      </Button>
                      <Button
                        variant="ghost"
                        aria-label={t("invitations.revokeFor", { email: invitation.email })}
                        disabled={busy !== null}
                        onClick={() => void act(invitation, "revoke")}
                      >
                        {t("invitations.revoke")}
                      </Button>
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </AsyncContent>
        </Card>
      </div>
      {dialog}
    </>
  );
}
