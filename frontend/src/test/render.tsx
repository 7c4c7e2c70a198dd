import { QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderOptions } from "@testing-library/react";
import type { ReactElement } from "react";
import { createPortal } from "react-dom";
import { AppToaster } from "@/components/Toaster";
import type { Locale } from "@/i18n/config";
import { IntlProvider } from "@/i18n/IntlProvider";
import { makeQueryClient } from "@/lib/query";

/**
 * The component inside what the root layout gives every page: the language, a query cache of its own (no test
 * sees another's answers) and the toasts. The toaster is portalled out of `container`, so that a component
 * that renders nothing still leaves `container` empty.
 */
export function renderWithIntl(ui: ReactElement, { locale = "en", ...options }: { locale?: Locale } & RenderOptions = {}) {
  const client = makeQueryClient();
  return render(
    <QueryClientProvider client={client}>
      <IntlProvider initialLocale={locale}>
        {ui}
        {createPortal(<AppToaster />, document.body)}
      </IntlProvider>
    </QueryClientProvider>,
    options,
  );
}
