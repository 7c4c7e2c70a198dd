import { act, renderHook, screen } from "@testing-library/react";
import { AxiosError, AxiosHeaders, type AxiosResponse } from "axios";
import type { ReactNode } from "react";
import { describe, expect, it } from "vitest";
import { AppToaster } from "@/components/Toaster";
import { IntlProvider } from "@/i18n/IntlProvider";
import { useAction, type ActionOptions } from "./useAction";

/** The hook as a page has it: inside the language provider, with the root layout's toaster. */
function wrapper({ children }: { children: ReactNode }) {
  return (
    <IntlProvider initialLocale="en">
      {children}
      <AppToaster />
    </IntlProvider>
  );
}

function renderAction<K = true>(options?: ActionOptions) {
  return renderHook(() => useAction<K>(options), { wrapper });
}

function apiError(status: number, data: unknown): AxiosError {
  const response = { status, data, headers: {}, statusText: "", config: { headers: new AxiosHeaders() } } as AxiosResponse;
  return new AxiosError("failed", "ERR_BAD_REQUEST", undefined, undefined, response);
}

const validation = apiError(400, {
  type: "validation_error",
  errors: [
    { code: "invalid", detail: "Enter a valid email address.", attr: "email" },
    { code: "invalid", detail: "Something else.", attr: null },
  ],
});

describe("useAction: the pending, errors and notice every form repeats", () => {
  it("is pending with its key while the action runs, and sets the notice the action gives", async () => {
    const { result } = renderAction<number>();
    let finish: () => void = () => undefined;
    let done: Promise<boolean> = Promise.resolve(false);

    act(() => {
      done = result.current.run(() => new Promise<void>((resolve) => (finish = resolve)), 7);
    });
    expect(result.current.pending).toBe(7);
    expect(result.current.busy).toBe(true);

    await act(async () => {
      finish();
      await done;
      result.current.setNotice("Saved.");
    });
    await expect(done).resolves.toBe(true);
    expect(result.current.pending).toBeNull();
    expect(result.current.notice).toBe("Saved.");
  });

  it("shows a failure as form errors (the form's fields apart) and clears them and the notice on the next run", async () => {
    const { result } = renderAction({ fields: ["email"] });
    await act(async () => {
      await result.current.run(async () => result.current.setNotice("Earlier."));
    });
    let ok = true;
    await act(async () => {
      ok = await result.current.run(() => Promise.reject(validation));
    });
    expect(ok).toBe(false);
    expect(result.current.busy).toBe(false);
    expect(result.current.notice).toBeNull();
    expect(result.current.errors?.fields).toEqual({ email: ["Enter a valid email address."] });
    expect(result.current.errors?.general).toEqual(["Something else."]);

    await act(async () => {
      await result.current.run(() => Promise.resolve());
    });
    expect(result.current.errors).toBeNull();
  });

  it("lets the caller rewrite the errors, and stays pending after a success that navigates away", async () => {
    const { result } = renderAction({
      keepPendingOnSuccess: true,
      onError: (errors) => {
        if (errors.status === 401) errors.general = ["Wrong email or password."];
      },
    });
    await act(async () => {
      await result.current.run(() => Promise.reject(apiError(401, { type: "client_error", errors: [] })));
    });
    expect(result.current.errors?.general).toEqual(["Wrong email or password."]);
    expect(result.current.busy).toBe(false);

    await act(async () => {
      await result.current.run(() => Promise.resolve());
    });
    expect(result.current.busy).toBe(true);
  });

  it("notify shows a success toast", async () => {
    const { result } = renderAction();
    await act(async () => {
      await result.current.run(async () => result.current.notify("Project Rocket created."));
    });
    expect(await screen.findByText("Project Rocket created.")).toBeInTheDocument();
    expect(result.current.notice).toBeNull(); // a toast, not the inline notice
  });

  it("with toastErrors, a failure's messages that belong to no field are error toasts too, translated", async () => {
    const { result } = renderAction({ toastErrors: true });
    await act(async () => {
      await result.current.run(() => Promise.reject(apiError(403, { type: "client_error", errors: [{ code: "permission_denied", detail: "Only owners can remove owners.", attr: null }] })));
    });
    expect(await screen.findByText("Only owners can remove owners.")).toBeInTheDocument();
    expect(result.current.errors?.general).toEqual(["Only owners can remove owners."]);

    await act(async () => {
      await result.current.run(() => Promise.reject(apiError(502, "Bad gateway")));
    });
    expect(await screen.findByText("Something went wrong (HTTP 502). Please try again.")).toBeInTheDocument();
  });

  it("without toastErrors, a failure shows no toast: the form shows it inline", async () => {
    const { result } = renderAction({ fields: ["email"] });
    await act(async () => {
      await result.current.run(() => Promise.reject(validation));
    });
    expect(result.current.errors?.general).toEqual(["Something else."]);
    expect(screen.queryByText("Something else.")).not.toBeInTheDocument();
  });
});
