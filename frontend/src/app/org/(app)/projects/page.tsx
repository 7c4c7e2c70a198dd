"use client";

import { useTranslations } from "next-intl";
import { useRef, useState, type FormEvent } from "react";
import { useDates } from "@/components/format";
import { useConfirm } from "@/components/ConfirmDialog";
import { AsyncContent } from "@/components/data";
import { Button, Card, EmptyState, FormAlert, PageHeader, TextAreaField, TextField } from "@/components/ui";
import { createProject, deleteProject, listProjects, updateProject } from "@/lib/api/endpoints";
import type { Project } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";

const FIELDS = ["name", "description"] as const;

function ProjectForm({
  initial,
  submitLabel,
  busyLabel,
  onSubmit,
  onCancel,
}: {
  initial: { name: string; description: string };
  submitLabel: string;
  busyLabel: string;
  onSubmit: (values: { name: string; description: string }) => Promise<void>;
  onCancel?: () => void;
}) {
  const t = useTranslations();
  const [values, setValues] = useState(initial);
  const { run, busy, errors } = useAction({ fields: FIELDS });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      await onSubmit(values);
      setValues(initial);
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormAlert errors={errors} />
      <TextField
        label={t("projects.name")}
        required
        maxLength={200}
        value={values.name}
        onChange={(e) => setValues({ ...values, name: e.target.value })}
        errors={errors?.fields.name}
      />
      <TextAreaField
        label={t("projects.description")}
        rows={3}
        value={values.description}
        onChange={(e) => setValues({ ...values, description: e.target.value })}
        errors={errors?.fields.description}
      />
      <div className="flex gap-2">
        <Button type="submit" loading={busy}>
          {busy ? busyLabel : submitLabel}
        </Button>
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            {t("common.cancel")}
          </Button>
        )}
      </div>
    </form>
  );
}

export default function ProjectsPage() {
  const t = useTranslations();
  const dates = useDates();
  const projects = useResource(listProjects);
  const [editing, setEditing] = useState<Project["id"] | null>(null);
  // Deleting is the page's own action (its failure a toast); creating and editing toast their success too.
  const { run, notify } = useAction({ toastErrors: true });
  const headingRef = useRef<HTMLHeadingElement>(null);
  const { confirm, dialog } = useConfirm();

  async function create(values: { name: string; description: string }) {
    const project = await createProject(values);
    projects.setData((list) => [project, ...(list ?? [])]);
    notify(t("projects.created", { name: project.name }));
  }

  async function save(project: Project, values: { name: string; description: string }) {
    const updated = await updateProject(project.id, values);
    projects.setData((list) => list?.map((p) => (p.id === project.id ? { ...p, ...updated } : p)) ?? null);
    setEditing(null);
    notify(t("projects.updated", { name: updated.name }));
  }

  async function remove(project: Project) {
    const confirmed = await confirm({
      title: t("projects.confirmDeleteTitle", { name: project.name }),
      description: t("projects.confirmDeleteBody"),
      confirmLabel: t("common.delete"),
      danger: true,
    });
    if (!confirmed) return;
    await run(async () => {
      await deleteProject(project.id);
      projects.setData((list) => list?.filter((p) => p.id !== project.id) ?? null);
      notify(t("projects.deleted", { name: project.name }));
      headingRef.current?.focus();
    });
  }

  return (
    <>
      <PageHeader title={t("projects.title")} description={t("projects.subtitle")} />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <section aria-labelledby="project-list" className="space-y-4">
          <h2 id="project-list" ref={headingRef} tabIndex={-1} className="sr-only">
            {t("projects.title")}
          </h2>
          <AsyncContent
            loading={projects.loading}
            error={projects.error}
            data={projects.data}
            emptyState={<EmptyState title={t("projects.empty")}>{t("projects.emptyHint")}</EmptyState>}
          >
            {(list) => (
              <ul className="space-y-3">
                {list.map((project) => (
                  <li key={project.id} className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700">
                    {editing === project.id ? (
                      <>
                        <h3 className="mb-3 font-semibold text-slate-900 dark:text-slate-100">{t("projects.editTitle", { name: project.name })}</h3>
                        <ProjectForm
                          initial={{ name: project.name, description: project.description ?? "" }}
                          submitLabel={t("common.save")}
                          busyLabel={t("common.saving")}
                          onSubmit={(values) => save(project, values)}
                          onCancel={() => setEditing(null)}
                        />
                      </>
                    ) : (
                      <div className="flex flex-wrap items-start justify-between gap-3">
                        <div>
                          <h3 className="font-semibold text-slate-900 dark:text-slate-100">{project.name}</h3>
                          {project.description && <p className="mt-1 text-sm whitespace-pre-line text-slate-700 dark:text-slate-300">{project.description}</p>}
                          <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">
                            {t("projects.createdAt")} {dates.date(project.createdAt)}
                          </p>
                        </div>
                        <div className="flex gap-2">
                          <Button variant="secondary" aria-label={t("projects.editNamed", { name: project.name })} onClick={() => setEditing(project.id)}>
                            {t("common.edit")}
                          </Button>
                          <Button variant="ghost" aria-label={t("projects.deleteNamed", { name: project.name })} onClick={() => void remove(project)}>
                            {t("common.delete")}
                          </Button>
                        </div>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </AsyncContent>
        </section>
        <Card title={t("projects.new")}>
          <ProjectForm
            initial={{ name: "", description: "" }}
            submitLabel={t("projects.create")}
            busyLabel={t("projects.creating")}
            onSubmit={create}
          />
        </Card>
      </div>
      {dialog}
    </>
  );
}
