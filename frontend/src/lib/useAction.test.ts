import { act, renderHook } from "@testing-library/react";
import { AxiosError, AxiosHeaders, type AxiosResponse } from "axios";
import { describe, expect, it } from "vitest";
import { useAction } from "./useAction";

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
    const { result } = renderHook(() => useAction<number>());
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
    const { result } = renderHook(() => useAction({ fields: ["email"] }));
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
    const { result } = renderHook(() =>
      useAction({
        keepPendingOnSuccess: true,
        onError: (errors) => {
          if (errors.status === 401) errors.general = ["Wrong email or password."];
        },
      }),
    );
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
});
