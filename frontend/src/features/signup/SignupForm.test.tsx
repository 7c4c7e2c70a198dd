import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import { SignupForm } from "./SignupForm";

let http: MockAdapter;

beforeEach(() => {
  http = new MockAdapter(api);
});

afterEach(() => {
  http.restore();
});

function checks() {
  return http.history.get.filter((request) => request.url === "/api/v1/signup/check-subdomain/");
}

/** The element a field's aria-describedby points at with the given id suffix (error list, status...). */
function describedBy(input: HTMLElement, suffix: string): HTMLElement | null {
  const ids = (input.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => id.endsWith(suffix));
  return ids[0] ? document.getElementById(ids[0]) : null;
}

describe("SignupForm", () => {
  it("checks subdomain availability live while typing, debounced", async () => {
    http.onGet("/api/v1/signup/check-subdomain/").reply((config) => {
      const subdomain = (config.params as { subdomain: string }).subdomain;
      return subdomain === "acme"
        ? [200, { subdomain, available: false, reason: "taken", detail: "This subdomain is already taken." }]
        : [200, { subdomain, available: true }];
    });
    const user = userEvent.setup();
    renderWithIntl(<SignupForm navigate={vi.fn()} />);

    const subdomain = screen.getByLabelText("Subdomain");
    await user.type(subdomain, "acme");
    const status = await screen.findByText(/already taken/i);
    // The verdict is announced (polite live region) and tied to the input.
    expect(status.closest("[aria-live]")).toHaveAttribute("aria-live", "polite");
    expect(subdomain.getAttribute("aria-describedby")).toContain(status.closest("[aria-live]")!.id);
    // Four keystrokes within the debounce window: one request, for the final value.
    expect(checks()).toHaveLength(1);
    expect(checks()[0]!.params).toEqual({ subdomain: "acme" });

    await user.type(subdomain, "-labs");
    expect(await screen.findByText(/available/i)).toBeInTheDocument();
    expect(checks().at(-1)!.params).toEqual({ subdomain: "acme-labs" });
    expect(checks().length).toBeLessThanOrEqual(2);
  });

  it("says a malformed subdomain is invalid without asking the server", async () => {
    const user = userEvent.setup();
    renderWithIntl(<SignupForm navigate={vi.fn()} />);
    await user.type(screen.getByLabelText("Subdomain"), "-a");
    expect(await screen.findByText(/lower-case letters, digits and hyphens/i)).toBeInTheDocument();
    expect(checks()).toHaveLength(0);
  });

  it("suggests the subdomain from the organisation name and shows the password rules", async () => {
    http.onGet("/api/v1/signup/check-subdomain/").reply(200, { subdomain: "acme-corp", available: true });
    const user = userEvent.setup();
    renderWithIntl(<SignupForm navigate={vi.fn()} />);
    await user.type(screen.getByLabelText("Organisation name"), "Acme Corp");
    expect(screen.getByLabelText("Subdomain")).toHaveValue("acme-corp");

    const rules = screen.getByRole("list", { name: "Password rules" });
    expect(within(rules).getByText(/at least 10 characters/i)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
    expect(within(rules).getByText(/at least 10 characters/i).closest("li")).toHaveClass("text-green-700");
  });

  it("shows each 400 error next to the field it names (attr -> field), others at the top", async () => {
    http.onGet("/api/v1/signup/check-subdomain/").reply(200, { subdomain: "acme", available: true });
    http.onPost("/api/v1/signup/").reply(400, {
      type: "validation_error",
      errors: [
        { code: "taken", detail: "This subdomain is already taken. Please choose another.", attr: "subdomain" },
        { code: "taken", detail: "An account with this email already exists. Sign in instead.", attr: "email" },
        { code: "password_too_common", detail: "This password is too common.", attr: "password" },
        { code: "invalid", detail: "Organisation name is required.", attr: "organisationName" },
        { code: "throttled", detail: "Something about the whole form.", attr: null },
      ],
    });
    const navigate = vi.fn();
    const user = userEvent.setup();
    renderWithIntl(<SignupForm navigate={navigate} />);

    await user.type(screen.getByLabelText("Organisation name"), "Acme");
    await user.type(screen.getByLabelText("Work email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "password123");
    await user.click(screen.getByRole("button", { name: "Create organisation" }));

    const subdomain = screen.getByLabelText("Subdomain");
    await waitFor(() => expect(subdomain).toHaveAttribute("aria-invalid", "true"));
    expect(describedBy(subdomain, "-error")).toHaveTextContent("This subdomain is already taken.");
    expect(describedBy(screen.getByLabelText("Work email"), "-error")).toHaveTextContent("already exists");
    expect(describedBy(screen.getByLabelText("Password"), "-error")).toHaveTextContent("too common");
    expect(describedBy(screen.getByLabelText("Organisation name"), "-error")).toHaveTextContent("is required");
    expect(screen.getByRole("alert")).toHaveTextContent("Something about the whole form.");
    expect(screen.getByLabelText("Your name (optional)")).not.toHaveAttribute("aria-invalid");

    // The request used the contract's camelCase keys.
    expect(JSON.parse(http.history.post[0]!.data as string)).toMatchObject({
      organisationName: "Acme",
      subdomain: "acme",
      email: "ada@example.com",
      password: "password123",
    });
    expect(navigate).not.toHaveBeenCalled();

    // Editing a field clears its error.
    await user.type(screen.getByLabelText("Password"), "x");
    expect(describedBy(screen.getByLabelText("Password"), "-error")).toBeNull();
  });

  it("after signup, signs in and follows the handoff link to the organisation", async () => {
    http.onGet("/api/v1/signup/check-subdomain/").reply(200, { subdomain: "acme", available: true });
    http.onPost("/api/v1/signup/").reply(201, {
      tenant: { id: "t-1", name: "Acme", subdomain: "acme", url: "http://acme.localhost:3000", status: "active" },
      user: { id: 1, email: "ada@example.com" },
    });
    http.onPost("/api/v1/auth/login/").reply(200, { access: "a1", refresh: "r1", user: { id: 1, email: "ada@example.com" } });
    http.onPost("/api/v1/account/tenants/t-1/handoff/").reply(200, { url: "http://acme.localhost:3000/auth/handoff?code=xyz" });
    const navigate = vi.fn();
    const user = userEvent.setup();
    renderWithIntl(<SignupForm navigate={navigate} />);
    await user.type(screen.getByLabelText("Organisation name"), "Acme");
    await user.type(screen.getByLabelText("Work email"), "ada@example.com");
    await user.type(screen.getByLabelText("Password"), "correct-horse-battery");
    await user.click(screen.getByRole("button", { name: "Create organisation" }));
    await waitFor(() => expect(navigate).toHaveBeenCalledWith("http://acme.localhost:3000/auth/handoff?code=xyz"));
    expect(http.history.post.find((r) => r.url?.endsWith("/handoff/"))!.headers!.Authorization).toBe("Bearer a1");
  });
});
