import { act, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it } from "vitest";
import { renderWithIntl } from "@/test/render";
import { useConfirm } from "./ConfirmDialog";

/** A page with one destructive action behind the confirmation; what the question answered is shown. */
function Harness({ onUnmountAnswer }: { onUnmountAnswer?: (answer: Promise<boolean>) => void }) {
  const { confirm, dialog } = useConfirm();
  const [answer, setAnswer] = useState("none");
  return (
    <>
      <button
        type="button"
        onClick={() => {
          const question = confirm({
            title: "Delete the project Rocket?",
            description: "This cannot be undone.",
            confirmLabel: "Delete",
            danger: true,
          });
          onUnmountAnswer?.(question);
          void question.then((confirmed) => setAnswer(String(confirmed)));
        }}
      >
        Delete Rocket
      </button>
      <output aria-label="answer">{answer}</output>
      {dialog}
    </>
  );
}

function answer() {
  return screen.getByRole("status", { name: "answer" });
}

describe("useConfirm: an accessible window.confirm", () => {
  it("asks in a modal dialog named by its title and described by its text, Cancel focused, the action red", async () => {
    const user = userEvent.setup();
    renderWithIntl(<Harness />);
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Delete Rocket" }));
    const dialog = screen.getByRole("dialog", { name: "Delete the project Rocket?" });
    expect(dialog).toHaveAccessibleDescription("This cannot be undone.");
    expect(screen.getByRole("button", { name: "Cancel" })).toHaveFocus();
    const destroy = screen.getByRole("button", { name: "Delete" });
    expect(destroy).toHaveClass("bg-red-600");
    expect(destroy).toHaveAttribute("type", "submit");
    expect(answer()).toHaveTextContent("none");
  });

  it("resolves true when confirmed, closes and gives focus back to the button that asked", async () => {
    const user = userEvent.setup();
    renderWithIntl(<Harness />);
    const opener = screen.getByRole("button", { name: "Delete Rocket" });
    await user.click(opener);
    await user.click(screen.getByRole("button", { name: "Delete" }));

    expect(answer()).toHaveTextContent("true");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("Escape cancels: resolves false, closes, focus back to the opener", async () => {
    const user = userEvent.setup();
    renderWithIntl(<Harness />);
    const opener = screen.getByRole("button", { name: "Delete Rocket" });
    await user.click(opener);
    await user.keyboard("{Escape}");

    expect(answer()).toHaveTextContent("false");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("Cancel resolves false", async () => {
    const user = userEvent.setup();
    renderWithIntl(<Harness />);
    await user.click(screen.getByRole("button", { name: "Delete Rocket" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(answer()).toHaveTextContent("false");
  });

  it("keeps Tab inside the dialog, both ways", async () => {
    const user = userEvent.setup();
    renderWithIntl(<Harness />);
    await user.click(screen.getByRole("button", { name: "Delete Rocket" }));
    const cancel = screen.getByRole("button", { name: "Cancel" });
    const destroy = screen.getByRole("button", { name: "Delete" });

    await user.tab();
    expect(destroy).toHaveFocus();
    await user.tab();
    expect(cancel).toHaveFocus();
    await user.tab({ shift: true });
    expect(destroy).toHaveFocus();
  });

  it("answers false when the page goes away with the question open", async () => {
    const user = userEvent.setup();
    let question: Promise<boolean> | null = null;
    const { unmount } = renderWithIntl(<Harness onUnmountAnswer={(q) => (question = q)} />);
    await user.click(screen.getByRole("button", { name: "Delete Rocket" }));
    act(() => unmount());
    await expect(question).resolves.toBe(false);
  });
});
