import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import type { ReactNode } from "react";
import { LOCALE_COOKIE, pickLocale } from "@/i18n/config";
import { AppToaster } from "@/components/Toaster";
import { IntlProvider } from "@/i18n/IntlProvider";
import { serverBaseDomain } from "@/lib/host";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "SaaS Kit", template: "%s · SaaS Kit" },
  icons: { icon: "/favicon.svg" },
  description: "A multi-tenant SaaS starter: one subdomain and one isolated schema per organisation.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = pickLocale((await cookies()).get(LOCALE_COOKIE)?.value, (await headers()).get("accept-language"));
  return (
    <html lang={locale} data-base-domain={serverBaseDomain()}>
      <body className="min-h-screen">
        <IntlProvider initialLocale={locale}>
          {children}
          <AppToaster />
        </IntlProvider>
      </body>
    </html>
  );
}
