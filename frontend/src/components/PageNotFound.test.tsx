import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { renderWithIntl } from "@/test/render";
import { PageNotFound } from "./PageNotFound";

describe("not-found page", () => {
  it("on an address where no organisation lives, says so and links to signup on the public site", () => {
    renderWithIntl(<PageNotFound organisationHost="nosuchorg.localhost" />);
    expect(screen.getByRole("heading", { name: "No organisation here" })).toBeInTheDocument();
    expect(screen.getByText("No organisation lives at nosuchorg.localhost. Check the address, or create an organisation.")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Create an organisation" }).getAttribute("href")).toMatch(/^http:\/\/localhost(:\d+)?\/signup$/);
    expect(screen.queryByText(/Sign in/)).not.toBeInTheDocument();
  });

  it("in French", () => {
    renderWithIntl(<PageNotFound organisationHost="nosuchorg.localhost" />, { locale: "fr" });
    expect(screen.getByRole("heading", { name: "Aucune organisation ici" })).toBeInTheDocument();
  });

  it("any other missing page keeps the generic message", () => {
    renderWithIntl(<PageNotFound />);
    expect(screen.getByRole("heading", { name: "Page not found" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Back to the home page" })).toHaveAttribute("href", "/");
  });
});
