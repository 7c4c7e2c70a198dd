"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Alert, Button, Card, EmptyState, FormAlert, PageHeader, Spinner, linkStyles } from "@/components/ui";
import { getExport, requestExport } from "@/lib/api/endpoints";
import { toFormErrors } from "@/lib/api/errors";
import type { ExportJob } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";

const POLL_MS = 1500;

export default function ExportsPage() {
  const t = useTranslations();
  const [job, setJob] = useState<ExportJob | null>(null);
  const { run, busy: requesting, errors, setErrors } = useAction();

  const running = job !== null && (job.status === "pending" || job.status === "running");

  useEffect(() => {
    if (!job || !running) return;
    const timer = setTimeout(() => {
      getExport(job.id).then(setJob, (error: unknown) => setErrors(toFormErrors(error)));
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [job, running, setErrors]);

  function start() {
    void run(async () => setJob(await requestExport()));
  }

  return (
    <>
      <PageHeader
        title={t("exports.title")}
        description={t("exports.subtitle")}
        actions={
          <Button onClick={start} loading={requesting} disabled={running}>
            {requesting ? t("exports.requesting") : t("exports.request")}
          </Button>
        }
      />
      <div className="space-y-4">
        <FormAlert errors={errors} />
        {!job ? (
          <EmptyState title={t("exports.empty")} />
        ) : (
          <Card title={t("exports.current")}>
            <div role="status" aria-live="polite" className="flex flex-wrap items-center gap-3">
              {running && <Spinner />}
              <span className="font-medium">{t(`exports.status.${job.status}`)}</span>
              {job.status === "done" && job.downloadUrl && (
                <a className={linkStyles} href={job.downloadUrl}>
                  {t("exports.download")}
                </a>
              )}
            </div>
            {running && (
              <div className="mt-4 h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700" aria-hidden="true">
                <div className={job.status === "running" ? "h-full w-2/3 animate-pulse bg-indigo-600" : "h-full w-1/6 bg-indigo-300 dark:bg-indigo-800"} />
              </div>
            )}
            {job.status === "failed" && (
              <Alert tone="error" className="mt-4">
                {t("exports.failedHint")}
              </Alert>
            )}
          </Card>
        )}
      </div>
    </>
  );
}
