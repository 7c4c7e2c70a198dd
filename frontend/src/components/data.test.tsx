import { screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { renderWithIntl } from "@/test/render";
import { AsyncContent, DataTable } from "./data";

function renderAsync(props: { loading: boolean; error: unknown; data: string[] | null }) {
  const children = vi.fn((list: string[]) => <p>{list.join(", ")}</p>);
  renderWithIntl(
    <AsyncContent {...props} emptyState={<p>Nothing yet</p>}>
      {children}
    </AsyncContent>,
  );
  return children;
}

describe("AsyncContent", () => {
  it("shows the spinner while loading and does not render the list", () => {
    const children = renderAsync({ loading: true, error: null, data: null });
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");
    expect(children).not.toHaveBeenCalled();
  });

  it("shows the load-failed alert on error", () => {
    const children = renderAsync({ loading: false, error: new Error("boom"), data: null });
    expect(screen.getByRole("alert")).toHaveTextContent("This could not be loaded.");
    expect(children).not.toHaveBeenCalled();
  });

  it.each([[[]], [null]])("shows the empty state for an empty or missing list (%j)", (data: string[] | null) => {
    const children = renderAsync({ loading: false, error: null, data });
    expect(screen.getByText("Nothing yet")).toBeInTheDocument();
    expect(children).not.toHaveBeenCalled();
  });

  it("renders the children with the list", () => {
    renderAsync({ loading: false, error: null, data: ["a", "b"] });
    expect(screen.getByText("a, b")).toBeInTheDocument();
    expect(screen.queryByRole("status")).not.toBeInTheDocument();
    expect(screen.queryByText("Nothing yet")).not.toBeInTheDocument();
  });
});

describe("DataTable", () => {
  const row = (
    <tr>
      <td>report.pdf</td>
      <td>2 kB</td>
      <td>
        <button type="button">Delete</button>
      </td>
    </tr>
  );

  it("renders column headers and a screen-reader-only actions header", () => {
    renderWithIntl(
      <DataTable framed columns={["Name", "Size"]} actionsLabel="Actions">
        {row}
      </DataTable>,
    );
    const table = screen.getByRole("table");
    const headers = within(table).getAllByRole("columnheader");
    expect(headers.map((h) => h.textContent)).toEqual(["Name", "Size", "Actions"]);
    headers.forEach((h) => expect(h).toHaveAttribute("scope", "col"));
    const actions = within(table).getByText("Actions");
    expect(actions).toHaveClass("sr-only");
    expect(actions.closest("th")).toBe(headers.at(-1));
    expect(within(table).getAllByRole("row")).toHaveLength(2);
    expect(within(table).getByRole("cell", { name: "report.pdf" })).toBeInTheDocument();
  });

  it("leaves the actions header out without actionsLabel, in the plain look too", () => {
    renderWithIntl(<DataTable columns={["Email", "Role"]}>{null}</DataTable>);
    expect(screen.getAllByRole("columnheader").map((h) => h.textContent)).toEqual(["Email", "Role"]);
  });
});
