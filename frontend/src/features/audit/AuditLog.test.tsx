import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AxiosError, AxiosHeaders } from "axios";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import type { AuditEntry, AuditFilters } from "./api";
import { AuditLog } from "./AuditLog";

const state = vi.hoisted(() => ({ calls: [] as unknown[], answer: null as unknown }));

vi.mock("./api", () => ({
  listAudit: (filters: AuditFilters) => {
    state.calls.push(filters);
    return state.answer instanceof Error ? Promise.reject(state.answer) : Promise.resolve(state.answer);
  },
}));

const ENTRY: AuditEntry = {
  id: 7,
  createdAt: "2026-12-01T10:00:00Z",
  actor: { id: 1, email: "owner@acme.test" },
  action: "member.role_changed",
  tenantId: "8a3c1c1e-0000-4000-8000-000000000001",
  targetType: "accounts.user",
  targetId: "2",
  ip: null,
  extra: { role: "admin" },
};

beforeEach(() => {
  state.calls = [];
  state.answer = { count: 60, results: [ENTRY] };
});

describe("audit log", () => {
  it("lists entries and asks the API again for each filter and page", async () => {
    const user = userEvent.setup();
    renderWithIntl(<AuditLog />);

    expect(await screen.findByText("member.role_changed")).toBeInTheDocument();
    expect(screen.getByText("owner@acme.test")).toBeInTheDocument();
    expect(screen.getByText("Page 1 of 3")).toBeInTheDocument();

    await user.selectOptions(screen.getByLabelText("Kind"), "Members");
    await user.type(screen.getByLabelText("Person (email)"), " owner@acme.test ");
    await user.click(screen.getByRole("button", { name: "Apply" }));
    await user.click(await screen.findByRole("button", { name: "Older" }));

    await waitFor(() =>
      expect(state.calls).toEqual([
        { page: 1 },
        { page: 1, action: "member." },
        { page: 1, action: "member.", actor: "owner@acme.test" },
        { page: 2, action: "member.", actor: "owner@acme.test" },
      ]),
    );
  });

  it("shows a refused filter on its field, not as a failed page", async () => {
    const response = {
      status: 400,
      statusText: "Bad Request",
      headers: {},
      config: { headers: new AxiosHeaders() },
      data: { type: "validation_error", errors: [{ code: "invalid", detail: "Enter a valid email address.", attr: "actor" }] },
    };
    state.answer = new AxiosError("400", "ERR_BAD_REQUEST", undefined, undefined, response);
    renderWithIntl(<AuditLog />);

    expect(await screen.findByText("Enter a valid email address.")).toBeInTheDocument();
    expect(screen.queryByText("This could not be loaded.")).not.toBeInTheDocument();
  });
});
