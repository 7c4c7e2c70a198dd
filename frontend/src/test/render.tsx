import { QueryClientProvider } from "@tanstack/react-query";
import { render, type RenderOptions } from "@testing-library/react";
import type { ReactElement } from "react";
import type { Locale } from "@/i18n/config";
import { IntlProvider } from "@/i18n/IntlProvider";
import { makeQueryClient } from "@/lib/query";

/** The app's providers around `ui`, with a query cache of its own: no test sees another's answers. */
export function renderWithIntl(ui: ReactElement, { locale = "en", ...options }: { locale?: Locale } & RenderOptions = {}) {
  const client = makeQueryClient();
  return render(
    <QueryClientProvider client={client}>
      <IntlProvider initialLocale={locale}>{ui}</IntlProvider>
    </QueryClientProvider>,
    options,
  );
}
