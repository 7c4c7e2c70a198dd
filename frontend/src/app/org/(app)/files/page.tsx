"use client";

import { useTranslations } from "next-intl";
import { useRef, useState, type DragEvent, type FormEvent } from "react";
import { useDates } from "@/components/format";
import { useConfirm } from "@/components/ConfirmDialog";
import { AsyncContent, DataTable } from "@/components/data";
import { Button, Card, EmptyState, FormAlert, PageHeader, cx } from "@/components/ui";
import { deleteFile, getFile, getFileLimits, listFiles, uploadFile } from "@/lib/api/endpoints";
import type { StoredFile } from "@/lib/api/types";
import { useAction } from "@/lib/useAction";
import { useResource } from "@/lib/useResource";

// Fixed size in the name cell, whatever the thumbnail's own shape (at most 256 px a side, WebP).
const THUMBNAIL_BOX = "flex h-10 w-10 shrink-0 items-center justify-center overflow-hidden rounded bg-slate-50 ring-1 ring-slate-200";

function FileIcon() {
  return (
    <svg data-testid="file-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.5} aria-hidden className="h-5 w-5 text-slate-400">
      <path strokeLinejoin="round" d="M14 3H7a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1V7l-4-4Z" />
      <path strokeLinejoin="round" d="M14 3v4h4" />
    </svg>
  );
}

function FileThumbnail({ file }: { file: StoredFile }) {
  const t = useTranslations("files");
  // The link is presigned for 15 minutes: one that expired before the browser fetched it (lazy, far down a
  // long list) falls back to the icon rather than a broken image.
  const [failed, setFailed] = useState(false);
  return (
    <span className={THUMBNAIL_BOX}>
      {file.thumbnailUrl && !failed ? (
        // A presigned object-storage URL that expires: next/image would need every bucket origin configured.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          src={file.thumbnailUrl}
          alt={t("thumbnailAlt", { name: file.name })}
          width={40}
          height={40}
          loading="lazy"
          decoding="async"
          onError={() => setFailed(true)}
          className="h-10 w-10 object-cover"
        />
      ) : (
        <FileIcon />
      )}
    </span>
  );
}

export default function FilesPage() {
  const t = useTranslations();
  const dates = useDates();
  const files = useResource(listFiles);
  // The server refuses a too-large file too, but only after all of it was sent: checked here first.
  const limits = useResource(getFileLimits);
  const maxBytes = limits.data?.maxUploadBytes ?? null;
  const [tooLarge, setTooLarge] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const [chosen, setChosen] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [controller, setController] = useState<AbortController | null>(null);
  // The upload is a form (its errors inline, its progress the bar); the rows' actions fail as toasts.
  const uploader = useAction({ fields: ["file"] });
  const rows = useAction<StoredFile["id"]>({ toastErrors: true });
  const { errors } = uploader;
  const busy = rows.pending;
  const { confirm, dialog } = useConfirm();
  const [dragging, setDragging] = useState(false);

  /** A file dropped on the upload box goes through the same checks as one picked with the input. */
  function drop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (progress !== null) return;
    const file = event.dataTransfer.files[0];
    if (!file) return;
    if (inputRef.current) inputRef.current.value = "";
    choose(file);
  }

  function choose(file: File | null) {
    if (file && maxBytes !== null && file.size > maxBytes) {
      setTooLarge(t("files.tooLarge", { name: file.name, size: dates.bytes(file.size), limit: dates.bytes(maxBytes) }));
      setChosen(null);
      if (inputRef.current) inputRef.current.value = "";
      return;
    }
    setTooLarge(null);
    setChosen(file);
  }

  async function upload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!chosen) return;
    const abort = new AbortController();
    setController(abort);
    setProgress(0);
    await uploader.run(async () => {
      try {
        const stored = await uploadFile(chosen, setProgress, abort.signal);
        files.setData((list) => [stored, ...(list ?? [])]);
        uploader.notify(t("files.uploaded", { name: stored.name }));
        setChosen(null);
        if (inputRef.current) inputRef.current.value = "";
      } catch (error) {
        if (!abort.signal.aborted) throw error; // a cancelled upload is no error
      }
    });
    setProgress(null);
    setController(null);
  }

  function download(file: StoredFile) {
    void rows.run(async () => {
      // The link is short-lived, so it is fetched at the moment of the click rather than with the list.
      const detail = await getFile(file.id);
      if (detail.downloadUrl) window.location.assign(detail.downloadUrl);
    }, file.id);
  }

  async function remove(file: StoredFile) {
    const confirmed = await confirm({
      title: t("files.confirmDeleteTitle", { name: file.name }),
      description: t("files.confirmDeleteBody"),
      confirmLabel: t("common.delete"),
      danger: true,
    });
    if (!confirmed) return;
    void rows.run(async () => {
      await deleteFile(file.id);
      files.setData((list) => list?.filter((f) => f.id !== file.id) ?? null);
      rows.notify(t("files.deleted", { name: file.name }));
    }, file.id);
  }

  const percent = progress === null ? 0 : Math.round(progress * 100);
  const fileErrors = [...(tooLarge ? [tooLarge] : []), ...(errors?.fields.file ?? [])];

  return (
    <>
      <PageHeader title={t("files.title")} description={t("files.subtitle")} />
      <div className="space-y-6">
        <Card>
          <form onSubmit={upload} className="space-y-4">
            <FormAlert errors={errors} />
            <div
              data-testid="file-drop"
              onDragOver={(event) => {
                event.preventDefault();
                setDragging(true);
              }}
              onDragLeave={() => setDragging(false)}
              onDrop={drop}
              className={cx(
                "space-y-1.5 rounded-lg border-2 border-dashed p-4 transition-colors",
                dragging ? "border-indigo-500 bg-indigo-50 dark:bg-indigo-950" : "border-slate-300 dark:border-slate-700",
              )}
            >
              <label htmlFor="file-input" className="block text-sm font-medium text-slate-900 dark:text-slate-100">
                {t("files.choose")}
              </label>
              {maxBytes !== null && (
                <p id="file-input-hint" className="text-sm text-slate-600 dark:text-slate-400">
                  {t("files.limitHint", { size: dates.bytes(maxBytes) })}
                </p>
              )}
              <input
                id="file-input"
                ref={inputRef}
                type="file"
                disabled={progress !== null}
                aria-invalid={fileErrors.length > 0 ? true : undefined}
                aria-describedby={
                  [maxBytes !== null ? "file-input-hint" : "", fileErrors.length > 0 ? "file-input-error" : ""].filter(Boolean).join(" ") ||
                  undefined
                }
                onChange={(e) => choose(e.target.files?.[0] ?? null)}
                className="block w-full text-sm text-slate-700 file:mr-4 file:rounded-md file:border-0 file:bg-indigo-50 file:px-3 file:py-2 file:font-semibold file:text-indigo-700 hover:file:bg-indigo-100 dark:text-slate-300 dark:file:bg-indigo-950 dark:file:text-indigo-300 dark:hover:file:bg-indigo-900"
              />
              <p className="text-sm text-slate-600 dark:text-slate-400">
                {chosen ? t("files.chosen", { name: chosen.name, size: dates.bytes(chosen.size) }) : t("files.dropHint")}
              </p>
              {fileErrors.length > 0 && (
                <ul id="file-input-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
                  {fileErrors.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              )}
            </div>
            {progress !== null && chosen && (
              <div className="space-y-1">
                <p className="text-sm text-slate-700 dark:text-slate-300" id="upload-label">
                  {t("files.uploading", { name: chosen.name })} {percent}%
                </p>
                <div
                  role="progressbar"
                  aria-labelledby="upload-label"
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={percent}
                  className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700"
                >
                  <div className="h-full bg-indigo-600 transition-[width]" style={{ width: `${percent}%` }} />
                </div>
              </div>
            )}
            <div className="flex gap-2">
              <Button type="submit" disabled={!chosen} loading={progress !== null}>
                {t("files.upload")}
              </Button>
              {controller && (
                <Button variant="secondary" onClick={() => controller.abort()}>
                  {t("files.cancelUpload")}
                </Button>
              )}
            </div>
          </form>
        </Card>
        <AsyncContent
          loading={files.loading}
          error={files.error}
          data={files.data}
          emptyState={<EmptyState title={t("files.empty")}>{t("files.emptyHint")}</EmptyState>}
        >
          {(list) => (
            <DataTable
              framed
              columns={[t("files.name"), t("files.size"), t("files.type"), t("files.uploadedAt")]}
              actionsLabel={t("common.actions")}
            >
              {list.map((file) => (
                <tr key={file.id}>
                  <td className="px-4 py-3 font-medium text-slate-900 dark:text-slate-100">
                    <div className="flex items-center gap-3">
                      {/* Keyed by the link: a fresh one (the list read again) gets another try after a failure. */}
                      <FileThumbnail key={file.thumbnailUrl ?? "none"} file={file} />
                      <span className="break-all">{file.name}</span>
                    </div>
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap text-slate-700 dark:text-slate-300">{dates.bytes(file.size)}</td>
                  <td className="px-4 py-3 text-slate-700 dark:text-slate-300">{file.contentType}</td>
                  <td className="px-4 py-3 whitespace-nowrap text-slate-700 dark:text-slate-300">{dates.dateTime(file.createdAt)}</td>
                  <td className="flex justify-end gap-2 px-4 py-3">
                    <Button
                      variant="secondary"
                      aria-label={t("files.downloadNamed", { name: file.name })}
                      disabled={busy !== null}
                      loading={busy === file.id}
                      onClick={() => download(file)}
                    >
                      {t("files.download")}
                    </Button>
                    <Button
                      variant="ghost"
                      aria-label={t("files.deleteNamed", { name: file.name })}
                      disabled={busy !== null}
                      onClick={() => void remove(file)}
                    >
                      {t("common.delete")}
                    </Button>
                  </td>
                </tr>
              ))}
            </DataTable>
          )}
        </AsyncContent>
      </div>
      {dialog}
    </>
  );
}
