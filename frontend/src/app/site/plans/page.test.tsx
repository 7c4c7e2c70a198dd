import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import PlansPage from "./page";

vi.mock("@/lib/api/endpoints", async () => {
  const { PLANS } = await import("@/features/plans/fixtures");
  return { listPlans: () => Promise.resolve(PLANS) };
});

describe("pricing page", () => {
  it("names plans and features in words, says Free once, and keeps the chosen plan for signup", async () => {
    renderWithIntl(<PlansPage />);
    const free = (await screen.findByRole("heading", { name: "Free" })).closest("li") as HTMLElement;
    expect(within(free).getAllByText(/Free/)).toHaveLength(1);
    expect(within(free).getByText("$0 / month")).toBeInTheDocument();
    expect(within(free).getByText("Up to 3 seats")).toBeInTheDocument();
    expect(within(free).getByText("1 GB of storage")).toBeInTheDocument();
    const business = screen.getByRole("heading", { name: "Business" }).closest("li") as HTMLElement;
    expect(within(business).getByText("$99 / month")).toBeInTheDocument();
    expect(within(business).getByText("Priority support")).toBeInTheDocument();
    expect(within(business).getByText("Data exports")).toBeInTheDocument();
    expect(screen.queryByText(/^exports$|priority_support/)).not.toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Get started with Pro" })).toHaveAttribute("href", "/signup?plan=pro");
    expect(screen.getByRole("link", { name: "Get started with Free" })).toHaveAttribute("href", "/signup?plan=free");
  });

  it("in French", async () => {
    renderWithIntl(<PlansPage />, { locale: "fr" });
    const free = (await screen.findByRole("heading", { name: "Gratuit" })).closest("li") as HTMLElement;
    expect(within(free).getAllByText(/Gratuit/)).toHaveLength(1);
    expect(screen.getByRole("heading", { name: "Entreprise" })).toBeInTheDocument();
    expect(screen.getByText("Support prioritaire")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Commencer avec Entreprise" })).toHaveAttribute("href", "/signup?plan=business");
  });
});
