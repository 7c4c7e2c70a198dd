import { render, type RenderOptions } from "@testing-library/react";
import type { ReactElement } from "react";
import type { Locale } from "@/i18n/config";
import { IntlProvider } from "@/i18n/IntlProvider";

export function renderWithIntl(ui: ReactElement, { locale = "en", ...options }: { locale?: Locale } & RenderOptions = {}) {
  return render(<IntlProvider initialLocale={locale}>{ui}</IntlProvider>, options);
}
