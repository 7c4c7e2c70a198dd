"use client";

import { useTranslations } from "next-intl";
import { useDates } from "@/components/format";
import { useConfirm } from "@/components/ConfirmDialog";
import { AsyncContent, DataTable } from "@/components/data";
import { Button, EmptyState, PageHeader } from "@/components/ui";
import { useOrg } from "@/features/org/OrgShell";
import { listMembers, removeMember, updateMember } from "@/lib/api/endpoints";
import type { Member, Role } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";

export default function MembersPage() {
  const t = useTranslations();
  const { me, can, assignableRoles } = useOrg();
  const dates = useDates();
  const members = useResource(listMembers);
  // Row actions: what they did (or why they failed) is a toast.
  const { run, pending: busy, notify } = useAction<Member["id"]>({ toastErrors: true });
  const manage = can("members.manage");
  const { confirm, dialog } = useConfirm();

  function changeRole(member: Member, role: Role) {
    void run(async () => {
      const updated = await updateMember(member.id, role);
      members.setData((list) => list?.map((m) => (m.id === member.id ? { ...m, ...updated, role } : m)) ?? null);
      notify(t("members.roleUpdated", { name: member.fullName || member.email, role: t(`roles.${role}`) }));
    }, member.id);
  }

  async function remove(member: Member) {
    const name = member.fullName || member.email;
    const confirmed = await confirm({
      title: t("members.confirmRemoveTitle", { name }),
      description: t("members.confirmRemoveBody"),
      confirmLabel: t("members.remove"),
      danger: true,
    });
    if (!confirmed) return;
    void run(async () => {
      await removeMember(member.id);
      members.setData((list) => list?.filter((m) => m.id !== member.id) ?? null);
      notify(t("members.removed", { name }));
    }, member.id);
  }

  return (
    <>
      <PageHeader title={t("members.title")} description={t("members.subtitle", { organisation: me.tenant.name })} />
      <div className="space-y-4">
        <AsyncContent
          loading={members.loading}
          error={members.error}
          data={members.data}
          emptyState={<EmptyState title={t("members.empty")} />}
        >
          {(list) => (
            <DataTable
              framed
              columns={[t("members.name"), t("members.email"), t("members.role"), t("members.joined")]}
              actionsLabel={manage ? t("common.actions") : undefined}
            >
              {list.map((member) => {
                const name = member.fullName || member.email;
                const isMe = member.id === me.id || member.email === me.email;
                const editable = manage && !isMe && (can("owners.manage") || member.role !== "owner");
                return (
                  <tr key={member.id}>
                    <td className="px-4 py-3 font-medium text-slate-900 dark:text-slate-100">
                      {member.fullName || "—"} {isMe && <span className="text-slate-500 dark:text-slate-400">{t("members.you")}</span>}
                    </td>
                    <td className="px-4 py-3 text-slate-700 dark:text-slate-300">{member.email}</td>
                    <td className="px-4 py-3">
                      {editable ? (
                        <select
                          aria-label={t("members.roleFor", { name })}
                          value={member.role}
                          disabled={busy === member.id}
                          onChange={(e) => changeRole(member, e.target.value as Role)}
                          className="rounded-md border-0 py-1 pr-8 pl-2 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 dark:ring-slate-600 dark:focus:ring-indigo-400"
                        >
                          {assignableRoles.map((role) => (
                            <option key={role} value={role}>
                              {t(`roles.${role}`)}
                            </option>
                          ))}
                        </select>
                      ) : (
                        t(`roles.${member.role}`)
                      )}
                    </td>
                    <td className="px-4 py-3 text-slate-700 dark:text-slate-300">{dates.date(member.joinedAt)}</td>
                    {manage && (
                      <td className="px-4 py-3 text-right">
                        {editable && (
                          <Button
                            variant="ghost"
                            aria-label={t("members.removeNamed", { name })}
                            loading={busy === member.id}
                            onClick={() => void remove(member)}
                          >
                            {t("members.remove")}
                          </Button>
                        )}
                      </td>
                    )}
                  </tr>
                );
              })}
            </DataTable>
          )}
        </AsyncContent>
      </div>
      {dialog}
    </>
  );
}
