import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import FilesPage from "./page";

const api = vi.hoisted(() => ({ uploadFile: vi.fn(), deleteFile: vi.fn() }));
vi.mock("@/lib/api/endpoints", () => ({
  listFiles: () =>
    Promise.resolve([{ id: 1, name: "report.pdf", size: 1536 * 1024, contentType: "application/pdf", projectId: null, createdAt: "2026-01-02T10:00:00Z" }]),
  getFileLimits: () => Promise.resolve({ maxUploadBytes: 25 * 1024 * 1024, contentTypes: ["application/pdf", "text/plain"] }),
  uploadFile: api.uploadFile,
  getFile: vi.fn(),
  deleteFile: api.deleteFile,
}));

const MB = 1024 * 1024;

function fileOfSize(name: string, size: number): File {
  const file = new File(["x"], name, { type: "application/pdf" });
  Object.defineProperty(file, "size", { value: size });
  return file;
}

beforeEach(() => {
  api.uploadFile.mockReset();
  api.deleteFile.mockReset();
});

describe("files page", () => {
  it("shows the limit and sizes in human units", async () => {
    renderWithIntl(<FilesPage />);
    expect(await screen.findByText("Up to 25 MB per file.")).toBeInTheDocument();
    expect(screen.getByRole("cell", { name: "1.5 MB" })).toBeInTheDocument();
  });

  it("refuses a 27 MB file before uploading any of it, naming the limit in MB", async () => {
    const user = userEvent.setup();
    renderWithIntl(<FilesPage />);
    await screen.findByText("Up to 25 MB per file.");
    await user.upload(screen.getByLabelText("Choose a file to upload"), fileOfSize("video.pdf", 27 * MB));
    expect(screen.getByRole("alert")).toHaveTextContent("video.pdf is 27 MB: files can be at most 25 MB. Nothing was uploaded.");
    expect(screen.getByRole("button", { name: "Upload" })).toBeDisabled();
    expect(screen.getByLabelText("Choose a file to upload")).toHaveAttribute("aria-invalid", "true");
    expect(api.uploadFile).not.toHaveBeenCalled();
  });

  it("accepts a file within the limit", async () => {
    const user = userEvent.setup();
    api.uploadFile.mockResolvedValue({ id: 2, name: "small.pdf", size: 2 * MB, contentType: "application/pdf", projectId: null, createdAt: "2026-01-03T10:00:00Z" });
    renderWithIntl(<FilesPage />);
    await screen.findByText("Up to 25 MB per file.");
    await user.upload(screen.getByLabelText("Choose a file to upload"), fileOfSize("small.pdf", 2 * MB));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect(await screen.findByText("small.pdf uploaded.")).toBeInTheDocument();
    expect(api.uploadFile).toHaveBeenCalledOnce();
  });

  it("deletes a file only once the dialog is confirmed", async () => {
    const user = userEvent.setup();
    api.deleteFile.mockResolvedValue(undefined);
    renderWithIntl(<FilesPage />);
    const deleteButton = await screen.findByRole("button", { name: "Delete report.pdf" });

    await user.click(deleteButton);
    const dialog = screen.getByRole("dialog", { name: "Delete the file report.pdf?" });
    expect(dialog).toHaveAccessibleDescription("This cannot be undone.");
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(api.deleteFile).not.toHaveBeenCalled();
    expect(screen.getByRole("cell", { name: "report.pdf" })).toBeInTheDocument();

    await user.click(deleteButton);
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Delete" }));
    expect(api.deleteFile).toHaveBeenCalledExactlyOnceWith(1);
    expect(await screen.findByText("report.pdf deleted.")).toBeInTheDocument();
    expect(screen.queryByRole("cell", { name: "report.pdf" })).not.toBeInTheDocument();
  });

  it("in French", async () => {
    renderWithIntl(<FilesPage />, { locale: "fr" });
    expect(await screen.findByText("Jusqu'à 25 Mo par fichier.")).toBeInTheDocument();
  });
});
