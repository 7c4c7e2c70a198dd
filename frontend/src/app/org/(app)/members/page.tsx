"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { useDates } from "@/components/format";
import { Alert, Button, EmptyState, FormAlert, Loading, PageHeader } from "@/components/ui";
import { rolesUpTo, useOrg } from "@/features/org/OrgShell";
import { listMembers, removeMember, updateMember } from "@/lib/api/endpoints";
import { toFormErrors, type FormErrors } from "@/lib/api/errors";
import type { Member, Role } from "@/lib/api/types";
import { useResource } from "@/lib/useResource";

export default function MembersPage() {
  const t = useTranslations();
  const { me, can } = useOrg();
  const dates = useDates();
  const members = useResource(listMembers);
  const [busy, setBusy] = useState<Member["id"] | null>(null);
  const [errors, setErrors] = useState<FormErrors | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const manage = can("manageMembers");

  async function changeRole(member: Member, role: Role) {
    setBusy(member.id);
    setErrors(null);
    setNotice(null);
    try {
      const updated = await updateMember(member.id, role);
      members.setData((list) => list?.map((m) => (m.id === member.id ? { ...m, ...updated, role } : m)) ?? null);
      setNotice(t("members.roleUpdated", { name: member.fullName || member.email, role: t(`roles.${role}`) }));
    } catch (error) {
      setErrors(toFormErrors(error));
    } finally {
      setBusy(null);
    }
  }

  async function remove(member: Member) {
    const name = member.fullName || member.email;
    if (!window.confirm(t("members.confirmRemove", { name }))) return;
    setBusy(member.id);
    setErrors(null);
    setNotice(null);
    try {
      await removeMember(member.id);
      members.setData((list) => list?.filter((m) => m.id !== member.id) ?? null);
      setNotice(t("members.removed", { name }));
    } catch (error) {
      setErrors(toFormErrors(error));
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <PageHeader title={t("members.title")} description={t("members.subtitle", { organisation: me.tenant.name })} />
      <div className="space-y-4">
        {notice && <Alert tone="success">{notice}</Alert>}
        <FormAlert errors={errors} />
        {members.loading ? (
          <Loading />
        ) : members.error ? (
          <Alert tone="error">{t("errors.loadFailed")}</Alert>
        ) : !members.data?.length ? (
          <EmptyState title={t("members.empty")} />
        ) : (
          <div className="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-slate-700">
                <tr>
                  <th scope="col" className="px-4 py-3 font-semibold">{t("members.name")}</th>
                  <th scope="col" className="px-4 py-3 font-semibold">{t("members.email")}</th>
                  <th scope="col" className="px-4 py-3 font-semibold">{t("members.role")}</th>
                  <th scope="col" className="px-4 py-3 font-semibold">{t("members.joined")}</th>
                  {manage && <th scope="col" className="px-4 py-3 font-semibold"><span className="sr-only">{t("common.actions")}</span></th>}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {members.data.map((member) => {
                  const name = member.fullName || member.email;
                  const isMe = member.id === me.id || member.email === me.email;
                  // Nobody grants above their own role, and only owners touch other owners.
                  const editable = manage && !isMe && (me.role === "owner" || member.role !== "owner");
                  return (
                    <tr key={member.id}>
                      <td className="px-4 py-3 font-medium text-slate-900">
                        {member.fullName || "—"} {isMe && <span className="text-slate-500">{t("members.you")}</span>}
                      </td>
                      <td className="px-4 py-3 text-slate-700">{member.email}</td>
                      <td className="px-4 py-3">
                        {editable ? (
                          <select
                            aria-label={t("members.roleFor", { name })}
                            value={member.role}
                            disabled={busy === member.id}
                            onChange={(e) => changeRole(member, e.target.value as Role)}
                            className="rounded-md border-0 py-1 pr-8 pl-2 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
                          >
                            {rolesUpTo(me.role).map((role) => (
                              <option key={role} value={role}>
                                {t(`roles.${role}`)}
                              </option>
                            ))}
                          </select>
                        ) : (
                          t(`roles.${member.role}`)
                        )}
                      </td>
                      <td className="px-4 py-3 text-slate-700">{dates.date(member.joinedAt)}</td>
                      {manage && (
                        <td className="px-4 py-3 text-right">
                          {editable && (
                            <Button
                              variant="ghost"
                              aria-label={t("members.removeNamed", { name })}
                              loading={busy === member.id}
                              onClick={() => remove(member)}
                            >
                              {t("members.remove")}
                            </Button>
                          )}
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
