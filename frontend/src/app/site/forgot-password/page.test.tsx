import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import MockAdapter from "axios-mock-adapter";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import ForgotPasswordPage from "./page";

const REQUEST = "/_allauth/app/v1/auth/password/request";
let http: MockAdapter;

beforeEach(() => {
  http = new MockAdapter(api);
});

afterEach(() => {
  http.restore();
});

describe("public /forgot-password", () => {
  it("asks for a reset email and says it is on its way", async () => {
    http.onPost(REQUEST).reply(200, { status: 200 });
    const user = userEvent.setup();
    renderWithIntl(<ForgotPasswordPage />);
    await user.type(screen.getByLabelText("Email"), "ada@example.com");
    await user.click(screen.getByRole("button", { name: "Send reset link" }));
    expect(await screen.findByRole("status")).toHaveTextContent("If an account exists for ada@example.com");
    expect(JSON.parse(http.history.post[0]!.data as string)).toEqual({ email: "ada@example.com" });
    expect(screen.getByRole("link", { name: "Back to sign in" })).toHaveAttribute("href", "/login");
  });

  it("shows an email error next to the field", async () => {
    http.onPost(REQUEST).reply(400, {
      status: 400,
      errors: [{ code: "invalid", message: "Enter a valid email address.", param: "email" }],
    });
    const user = userEvent.setup();
    renderWithIntl(<ForgotPasswordPage />);
    await user.type(screen.getByLabelText("Email"), "nope");
    await user.click(screen.getByRole("button", { name: "Send reset link" }));
    const email = screen.getByLabelText("Email");
    expect(await screen.findByText("Enter a valid email address.")).toBeInTheDocument();
    expect(email).toHaveAttribute("aria-invalid", "true");
    expect(email.getAttribute("aria-describedby")).toContain(screen.getByText("Enter a valid email address.").closest("ul")!.id);
  });
});
