import { fireEvent, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import FilesPage from "./page";

const api = vi.hoisted(() => ({ uploadFile: vi.fn(), deleteFile: vi.fn() }));
vi.mock("@/lib/api/endpoints", () => ({
  listFiles: () =>
    Promise.resolve([
      { id: 1, name: "report.pdf", size: 1536 * 1024, contentType: "application/pdf", projectId: null, createdAt: "2026-01-02T10:00:00Z", thumbnailUrl: null },
      {
        id: 3,
        name: "holiday.jpg",
        size: 300 * 1024,
        contentType: "image/jpeg",
        projectId: null,
        createdAt: "2026-01-01T10:00:00Z",
        thumbnailUrl: "https://s3.example.test/tenants/t1/files/thumbnails/abc.webp?X-Amz-Expires=900",
      },
    ]),
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
    api.uploadFile.mockResolvedValue({ id: 2, name: "small.pdf", size: 2 * MB, contentType: "application/pdf", projectId: null, createdAt: "2026-01-03T10:00:00Z", thumbnailUrl: null });
    renderWithIntl(<FilesPage />);
    await screen.findByText("Up to 25 MB per file.");
    await user.upload(screen.getByLabelText("Choose a file to upload"), fileOfSize("small.pdf", 2 * MB));
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect(await screen.findByText("small.pdf uploaded.")).toBeInTheDocument();
    expect(api.uploadFile).toHaveBeenCalledOnce();
  });

  it("takes a file dropped on the upload box, with the same checks as the input", async () => {
    const user = userEvent.setup();
    api.uploadFile.mockResolvedValue({ id: 3, name: "dropped.pdf", size: 3 * MB, contentType: "application/pdf", projectId: null, createdAt: "2026-01-03T10:00:00Z", thumbnailUrl: null });
    renderWithIntl(<FilesPage />);
    await screen.findByText("Up to 25 MB per file.");
    const box = screen.getByTestId("file-drop");
    expect(box).toHaveTextContent("Or drop a file here.");

    fireEvent.drop(box, { dataTransfer: { files: [fileOfSize("huge.pdf", 27 * MB)] } });
    expect(screen.getByRole("alert")).toHaveTextContent("huge.pdf is 27 MB: files can be at most 25 MB. Nothing was uploaded.");
    expect(screen.getByRole("button", { name: "Upload" })).toBeDisabled();

    fireEvent.drop(box, { dataTransfer: { files: [fileOfSize("dropped.pdf", 3 * MB)] } });
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
    expect(box).toHaveTextContent("Ready to upload: dropped.pdf (3 MB).");
    await user.click(screen.getByRole("button", { name: "Upload" }));
    expect(await screen.findByText("dropped.pdf uploaded.")).toBeInTheDocument();
    expect(api.uploadFile.mock.calls[0]![0].name).toBe("dropped.pdf");
  });

  it("shows an image's thumbnail, small and lazy, and a file icon for anything else", async () => {
    renderWithIntl(<FilesPage />);
    const thumbnail = await screen.findByRole("img", { name: "Preview of holiday.jpg" });
    expect(thumbnail).toHaveAttribute("src", "https://s3.example.test/tenants/t1/files/thumbnails/abc.webp?X-Amz-Expires=900");
    expect(thumbnail).toHaveAttribute("loading", "lazy");
    expect(thumbnail).toHaveAttribute("width", "40");
    expect(thumbnail).toHaveAttribute("height", "40");
    const imageRow = screen.getByRole("row", { name: /holiday\.jpg/ });
    expect(within(imageRow).queryByTestId("file-icon")).not.toBeInTheDocument();
    const pdfRow = screen.getByRole("row", { name: /report\.pdf/ });
    expect(within(pdfRow).queryByRole("img")).not.toBeInTheDocument();
    expect(within(pdfRow).getByTestId("file-icon")).toBeInTheDocument();
    expect(screen.getAllByRole("img")).toHaveLength(1);
  });

  it("falls back to the file icon when the thumbnail's link no longer loads", async () => {
    renderWithIntl(<FilesPage />);
    fireEvent.error(await screen.findByRole("img", { name: "Preview of holiday.jpg" }));
    expect(screen.queryByRole("img")).not.toBeInTheDocument();
    expect(within(screen.getByRole("row", { name: /holiday\.jpg/ })).getByTestId("file-icon")).toBeInTheDocument();
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
    expect(screen.getByRole("img", { name: "Aperçu de holiday.jpg" })).toBeInTheDocument();
  });
});
