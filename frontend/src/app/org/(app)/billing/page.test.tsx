import { screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Billing } from "@/lib/api/types";
import { renderWithIntl } from "@/test/render";
import BillingPage from "./page";

const state = vi.hoisted(() => ({ owner: true, billing: null as unknown, checkout: vi.fn() }));

vi.mock("@/features/org/OrgShell", () => ({
  useOrg: () => ({ can: (permission: string) => permission === "billing.manage" && state.owner }),
}));
vi.mock("@/lib/api/endpoints", async () => {
  const { PLANS } = await import("@/features/plans/fixtures");
  return {
    getBilling: () => Promise.resolve(state.billing),
    listPlans: () => Promise.resolve(PLANS),
    startCheckout: state.checkout,
    openBillingPortal: vi.fn(),
  };
});

// What GET /api/v1/billing/ answers in `make dev` (tests/integration/billing/test_without_stripe.py).
const WITHOUT_STRIPE: Billing = {
  plan: "free",
  planName: "Free",
  status: "free",
  seats: { used: 3, limit: 3 },
  storageLimitBytes: 1024 ** 3,
  storageUsedBytes: 5 * 1024 * 1024,
  upgradesAvailable: false,
  limitsEnforced: false,
  trialEndsAt: null,
  currentPeriodEnd: null,
  cancelAtPeriodEnd: false,
  readOnlyFrom: null,
  features: [],
};

beforeEach(() => {
  state.owner = true;
  state.billing = WITHOUT_STRIPE;
});

describe("billing page", () => {
  it("without Stripe shows the free plan, its limits and usage, and tells an owner to ask the operator", async () => {
    renderWithIntl(<BillingPage />);
    expect(await screen.findByText("Upgrades are unavailable")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(
      "Upgrades are unavailableBilling is not configured on this server, so this organisation stays on the free plan. Ask your operator to configure Stripe (STRIPE_SECRET_KEY) to offer paid plans.",
    );
    expect(screen.getByText("Plan").nextSibling).toHaveTextContent("Free");
    expect(screen.getByText("Status").nextSibling).toHaveTextContent("Free plan");
    expect(screen.getByText("3 of 3 used")).toBeInTheDocument();
    expect(screen.getByText("5 MB of 1 GB used")).toBeInTheDocument();
    expect(screen.getByRole("meter", { name: "Seats" })).toHaveAttribute("aria-valuenow", "3");
    expect(screen.getByRole("meter", { name: "Storage" })).toHaveAttribute("aria-valuemax", String(1024 ** 3));
    expect(screen.getByText("While billing is off, the free plan's limits are shown but not enforced.")).toBeInTheDocument();
    // Nothing to buy: no portal, no checkout buttons, no error.
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
    expect(screen.queryByText("This could not be loaded.")).not.toBeInTheDocument();
  });

  it("without Stripe tells a member that paid plans are not offered", async () => {
    state.owner = false;
    renderWithIntl(<BillingPage />);
    await screen.findByText("Upgrades are unavailable");
    expect(screen.getByRole("status")).toHaveTextContent(
      "Upgrades are unavailablePaid plans are not offered on this server: this organisation is on the free plan.",
    );
    expect(screen.queryByText("Only owners can change the plan or payment details.")).not.toBeInTheDocument();
  });

  it("in French", async () => {
    renderWithIntl(<BillingPage />, { locale: "fr" });
    expect(await screen.findByText("Offres payantes indisponibles")).toBeInTheDocument();
    expect(screen.getByText("Offre").nextSibling).toHaveTextContent("Gratuit");
    expect(screen.getByText("3 sur 3 utilisés")).toBeInTheDocument();
  });

  it("with Stripe offers the other plans by their translated names", async () => {
    state.billing = { ...WITHOUT_STRIPE, upgradesAvailable: true, limitsEnforced: true };
    renderWithIntl(<BillingPage />, { locale: "fr" });
    expect(await screen.findByRole("button", { name: "Passer à Entreprise" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Passer à Pro" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Gérer la facturation" })).toBeInTheDocument();
    expect(screen.queryByText("Offres payantes indisponibles")).not.toBeInTheDocument();
    // Pro and Business, by their translated feature names; no raw flags like `priority_support`.
    expect(screen.getAllByText("Exports de données")).toHaveLength(2);
    expect(screen.getByText("Support prioritaire")).toBeInTheDocument();
    expect(screen.queryByText(/priority_support/)).not.toBeInTheDocument();
  });
});


