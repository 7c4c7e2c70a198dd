import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AxiosError, AxiosHeaders, type AxiosResponse } from "axios";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import MembersPage from "./page";

const api = vi.hoisted(() => ({ removeMember: vi.fn() }));
vi.mock("@/lib/api/endpoints", () => ({
  listMembers: () =>
    Promise.resolve([
      { id: 1, email: "ada@acme.test", fullName: "Ada Owner", role: "owner", joinedAt: "2026-01-02T10:00:00Z" },
      { id: 2, email: "tom@acme.test", fullName: "Tom Mate", role: "member", joinedAt: "2026-01-03T10:00:00Z" },
    ]),
  updateMember: vi.fn(),
  removeMember: api.removeMember,
}));
vi.mock("@/features/org/OrgShell", () => ({
  useOrg: () => ({
    me: { id: 1, email: "ada@acme.test", tenant: { name: "Acme" } },
    can: () => true,
    assignableRoles: ["owner", "admin", "member"],
  }),
}));

const toasts = () => screen.getByRole("region", { name: "Notifications (Alt+T)" });

beforeEach(() => {
  api.removeMember.mockReset();
});

describe("members page: removing someone", () => {
  it("asks first, in the dialog; cancelled, nobody is removed", async () => {
    const user = userEvent.setup();
    renderWithIntl(<MembersPage />);
    await user.click(await screen.findByRole("button", { name: "Remove Tom Mate" }));
    const dialog = screen.getByRole("dialog", { name: "Remove Tom Mate from the organisation?" });
    expect(dialog).toHaveAccessibleDescription("They will lose access immediately.");
    expect(within(dialog).getByRole("button", { name: "Remove" })).toHaveClass("bg-red-600");
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(api.removeMember).not.toHaveBeenCalled();
    expect(screen.getByRole("cell", { name: "tom@acme.test" })).toBeInTheDocument();
  });

  it("confirmed: removed, the row goes and a toast says so", async () => {
    const user = userEvent.setup();
    api.removeMember.mockResolvedValue(undefined);
    renderWithIntl(<MembersPage />);
    await user.click(await screen.findByRole("button", { name: "Remove Tom Mate" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Remove" }));
    expect(api.removeMember).toHaveBeenCalledExactlyOnceWith(2);
    expect(await within(toasts()).findByText("Tom Mate was removed.")).toBeInTheDocument();
    expect(screen.queryByRole("cell", { name: "tom@acme.test" })).not.toBeInTheDocument();
  });

  it("refused by the API: the reason is an error toast and the row stays", async () => {
    const user = userEvent.setup();
    const response = {
      status: 403,
      data: { type: "client_error", errors: [{ code: "permission_denied", detail: "Only owners can remove owners.", attr: null }] },
      headers: {},
      statusText: "",
      config: { headers: new AxiosHeaders() },
    } as AxiosResponse;
    api.removeMember.mockRejectedValue(new AxiosError("refused", "ERR_BAD_REQUEST", undefined, undefined, response));
    renderWithIntl(<MembersPage />);
    await user.click(await screen.findByRole("button", { name: "Remove Tom Mate" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Remove" }));
    expect(await within(toasts()).findByText("Only owners can remove owners.")).toBeInTheDocument();
    expect(screen.getByRole("cell", { name: "tom@acme.test" })).toBeInTheDocument();
  });
});
