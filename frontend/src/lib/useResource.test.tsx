import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { apiClient } from "@/lib/api/client";
import { QueryProvider } from "@/lib/query";
import { useResource } from "@/lib/useResource";

function Count({ load, label }: { load: () => Promise<number>; label: string }) {
  const resource = useResource(load);
  if (resource.loading) return <p>{label}: loading</p>;
  return (
    <div>
      <p>
        {label}: {resource.data}
      </p>
      <button onClick={resource.reload}>reload {label}</button>
      <button onClick={() => resource.setData((n) => (n ?? 0) + 100)}>bump {label}</button>
    </div>
  );
}

describe("useResource", () => {
  it("loads an endpoint once for every component showing it, and reloads it for all of them", async () => {
    let answer = 1;
    const load = vi.fn(async () => answer);
    render(
      <QueryProvider>
        <Count load={load} label="a" />
        <Count load={load} label="b" />
      </QueryProvider>,
    );
    expect(await screen.findByText("a: 1")).toBeInTheDocument();
    expect(screen.getByText("b: 1")).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(1);

    answer = 2;
    await userEvent.click(screen.getByRole("button", { name: "reload a" }));
    expect(await screen.findByText("b: 2")).toBeInTheDocument();
    expect(screen.getByText("a: 2")).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(2);

    await userEvent.click(screen.getByRole("button", { name: "bump b" }));
    expect(screen.getByText("a: 102")).toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(2);
  });

  it("keeps two endpoints apart", async () => {
    const first = vi.fn(async () => 1);
    const second = vi.fn(async () => 2);
    render(
      <QueryProvider>
        <Count load={first} label="first" />
        <Count load={second} label="second" />
      </QueryProvider>,
    );
    expect(await screen.findByText("first: 1")).toBeInTheDocument();
    expect(await screen.findByText("second: 2")).toBeInTheDocument();
  });

  it("forgets everything it loaded when the session ends, so the next person in the tab loads their own", async () => {
    let answer = 7;
    const load = vi.fn(async () => answer);
    act(() => apiClient.tokens.set("access-of-ann"));
    const view = render(
      <QueryProvider>
        <Count load={load} label="mine" />
      </QueryProvider>,
    );
    expect(await screen.findByText("mine: 7")).toBeInTheDocument();

    act(() => apiClient.tokens.set(null)); // signed out
    answer = 8;
    view.rerender(
      <QueryProvider>
        <Count load={load} label="mine" />
      </QueryProvider>,
    );
    await waitFor(() => expect(screen.getByText("mine: 8")).toBeInTheDocument());
    expect(load).toHaveBeenCalledTimes(2);
  });
});
