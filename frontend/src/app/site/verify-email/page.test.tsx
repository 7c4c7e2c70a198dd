import { screen } from "@testing-library/react";
import MockAdapter from "axios-mock-adapter";
import { StrictMode } from "react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "@/lib/api/client";
import { renderWithIntl } from "@/test/render";
import VerifyEmailPage from "./page";

const navigation = vi.hoisted(() => ({ search: "" }));
vi.mock("next/navigation", () => ({
  useSearchParams: () => new URLSearchParams(navigation.search),
  useRouter: () => ({ replace: vi.fn(), push: vi.fn() }),
}));

const VERIFY = "/_allauth/app/v1/auth/email/verify";
let http: MockAdapter;

beforeEach(() => {
  http = new MockAdapter(api);
  navigation.search = "?key=verify-key-1";
});

afterEach(() => {
  http.restore();
});

describe("public /verify-email", () => {
  it("posts the key from the link once and says the address is verified", async () => {
    // 401 = verified, but allauth did not sign anyone in (our logins are JWTs, not allauth sessions).
    http.onPost(VERIFY).reply(401, { status: 401, data: { flows: [] }, meta: { is_authenticated: false } });
    renderWithIntl(
      <StrictMode>
        <VerifyEmailPage />
      </StrictMode>,
    );
    expect(screen.getByRole("status")).toHaveTextContent("Verifying your email address…");

    expect(await screen.findByText("Your email address is verified. Thank you!")).toBeInTheDocument();
    expect(http.history.post).toHaveLength(1);
    expect(JSON.parse(http.history.post[0]!.data as string)).toEqual({ key: "verify-key-1" });
    expect(screen.getByRole("link", { name: "Continue" })).toHaveAttribute("href", "/account");
  });

  it("also accepts a 200 (verified and signed in)", async () => {
    http.onPost(VERIFY).reply(200, { status: 200, data: {}, meta: { is_authenticated: true } });
    renderWithIntl(<VerifyEmailPage />);
    expect(await screen.findByText("Your email address is verified. Thank you!")).toBeInTheDocument();
  });

  it("says so when the key is invalid or expired", async () => {
    http.onPost(VERIFY).reply(400, {
      status: 400,
      errors: [{ code: "invalid_or_expired_key", message: "Invalid or expired key.", param: "key" }],
    });
    renderWithIntl(<VerifyEmailPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("This verification link is invalid or has expired.");
    expect(screen.queryByText(/is verified/)).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Continue" })).toHaveAttribute("href", "/account");
  });

  it("sends nothing without a key", () => {
    navigation.search = "";
    renderWithIntl(<VerifyEmailPage />, { locale: "fr" });
    expect(screen.getByRole("alert")).toHaveTextContent("Le lien est incomplet.");
    expect(http.history.post).toHaveLength(0);
  });
});
