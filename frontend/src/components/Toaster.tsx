"use client";

import { useTranslations } from "next-intl";
import { Toaster } from "sonner";
import { useResolvedTheme } from "@/lib/theme";

/**
 * Where toasts appear (sonner): one per page, in the root layout. They are read out politely (an aria-live
 * region), stay six seconds (longer while hovered or focused, Alt+T reaches them) and have a close button.
 * Light or dark with the page: its theme subscription also keeps the page following the system (lib/theme).
 */
export function AppToaster() {
  const t = useTranslations("common");
  const theme = useResolvedTheme();
  return (
    <Toaster
      theme={theme}
      position="bottom-right"
      closeButton
      duration={6000}
      customAriaLabel={t("notifications")}
      toastOptions={{ closeButtonAriaLabel: t("closeNotification") }}
    />
  );
}
