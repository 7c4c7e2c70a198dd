"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";
import { personLabel, useDates } from "@/components/format";
import { AsyncContent, DataTable } from "@/components/data";
import { Alert, Button, Card, EmptyState, FormAlert, PageHeader, SelectField, TextField } from "@/components/ui";
import { rolesUpTo, useOrg } from "@/features/org/OrgShell";
import { createInvitation, listInvitations, resendInvitation, revokeInvitation } from "@/lib/api/endpoints";
import { toFormErrors, type FormErrors } from "@/lib/api/errors";
import type { Invitation, Role } from "@/lib/api/types";
import { useResource } from "@/lib/useResource";

const FIELDS = ["email", "role"] as const;

export default function InvitationsPage() {
  const t = useTranslations();
  const { me, can } = useOrg();
  const dates = useDates();
  const invitations = useResource(listInvitations);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [formErrors, setFormErrors] = useState<FormErrors | null>(null);
  const [sending, setSending] = useState(false);
  const [rowErrors, setRowErrors] = useState<FormErrors | null>(null);
  const [busy, setBusy] = useState<Invitation["id"] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (!can("manageMembers")) return <Alert tone="info">{t("invitations.noPermission")}</Alert>;

  async function invite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSending(true);
    setFormErrors(null);
    setNotice(null);
    try {
      const invitation = await createInvitation(email, role);
      invitations.setData((list) => [invitation, ...(list ?? [])]);
      setNotice(t("invitations.sent", { email: invitation.email }));
      setEmail("");
    } catch (error) {
      setFormErrors(toFormErrors(error, FIELDS));
    } finally {
      setSending(false);
    }
  }

  async function act(invitation: Invitation, action: "resend" | "revoke") {
    if (action === "revoke" && !window.confirm(t("invitations.confirmRevoke", { email: invitation.email }))) return;
    setBusy(invitation.id);
    setRowErrors(null);
    setNotice(null);
    try {
      if (action === "resend") {
        await resendInvitation(invitation.id);
        setNotice(t("invitations.resent", { email: invitation.email }));
        invitations.reload();
      } else {
        await revokeInvitation(invitation.id);
        invitations.setData((list) => list?.filter((i) => i.id !== invitation.id) ?? null);
        setNotice(t("invitations.revoked", { email: invitation.email }));
      }
    } catch (error) {
      setRowErrors(toFormErrors(error));
    } finally {
      setBusy(null);
    }
  }

  const pending = invitations.data?.filter((i) => !i.status || i.status === "pending") ?? [];

  return (
    <>
      <PageHeader title={t("invitations.title")} description={t("invitations.subtitle")} />
      <div className="space-y-6">
        {notice && <Alert tone="success">{notice}</Alert>}
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
              {rolesUpTo(me.role).map((r) => (
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
          <FormAlert errors={rowErrors} />
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
                    <td className="py-2 pr-4 font-medium text-slate-900">{invitation.email}</td>
                    <td className="py-2 pr-4">{t(`roles.${invitation.role}`)}</td>
                    <td className="py-2 pr-4 text-slate-700">{personLabel(invitation.invitedBy)}</td>
                    <td className="py-2 pr-4 text-slate-700">{dates.dateTime(invitation.expiresAt)}</td>
                    <td className="flex justify-end gap-2 py-2">
                      <Button
                        variant="secondary"
                        aria-label={t("invitations.resendTo", { email: invitation.email })}
                        disabled={busy !== null}
                        loading={busy === invitation.id}
                        onClick={() => act(invitation, "resend")}
                      >
                        {t("invitations.resend")}
                      </Button>
                      <Button
                        variant="ghost"
                        aria-label={t("invitations.revokeFor", { email: invitation.email })}
                        disabled={busy !== null}
                        onClick={() => act(invitation, "revoke")}
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
    </>
  );
}
