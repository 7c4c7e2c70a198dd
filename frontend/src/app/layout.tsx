import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import type { ReactNode } from "react";
import { AppToaster } from "@/components/Toaster";
import { LOCALE_COOKIE, pickLocale } from "@/i18n/config";
import { IntlProvider } from "@/i18n/IntlProvider";
import { serverBaseDomain } from "@/lib/host";
import { QueryProvider } from "@/lib/query";
import { THEME_SCRIPT } from "@/lib/themeScript";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "SaaS Kit", template: "%s · SaaS Kit" },
  icons: { icon: "/favicon.svg" },
  description: "A multi-tenant SaaS starter: one subdomain and one isolated schema per organisation.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = pickLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  return (
    // The theme script sets class="dark" on <html> before React hydrates it: the one attribute allowed to differ.
    <html lang={locale} data-base-domain={serverBaseDomain()} suppressHydrationWarning>
      <head>
        {/* Before the first paint: a dark page never flashes light (CSP: script-src allows inline scripts). */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen">
        <IntlProvider initialLocale={locale}>
          <QueryProvider>{children}</QueryProvider>
          <AppToaster />
        </IntlProvider>
      </body>
    </html>
  );
}
