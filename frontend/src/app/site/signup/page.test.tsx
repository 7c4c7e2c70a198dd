import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import SignupPage from "./page";

const navigation = vi.hoisted(() => ({ search: "" }));
vi.mock("next/navigation", () => ({ useSearchParams: () => new URLSearchParams(navigation.search) }));
vi.mock("@/lib/api/endpoints", async () => {
  const { PLANS } = await import("@/features/plans/fixtures");
  return { listPlans: () => Promise.resolve(PLANS), checkSubdomain: vi.fn(), signup: vi.fn(), login: vi.fn(), handoff: vi.fn() };
});

beforeEach(() => {
  navigation.search = "";
});

describe("signup page", () => {
  it("names the plan chosen on the pricing page and where to upgrade to it", async () => {
    navigation.search = "?plan=pro";
    renderWithIntl(<SignupPage />);
    expect(await screen.findByText(/You chose the Pro plan/)).toHaveTextContent(
      "You chose the Pro plan. Every organisation starts on the free plan: once yours exists, upgrade from its Billing page.",
    );
  });

  it("says nothing for the free plan or an unknown one", async () => {
    navigation.search = "?plan=nope";
    renderWithIntl(<SignupPage />);
    expect(await screen.findByRole("form", { name: "Create your organisation" })).toBeInTheDocument();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.queryByText(/You chose/)).not.toBeInTheDocument();
  });
});
