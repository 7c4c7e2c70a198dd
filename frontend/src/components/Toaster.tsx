"use client";

import { useTranslations } from "next-intl";
import { Toaster } from "sonner";

/**
 * Where toasts appear (sonner): one per page, in the root layout. They are read out politely (an aria-live
 * region), stay six seconds (longer while hovered or focused, Alt+T reaches them) and have a close button.
 */
export function AppToaster() {
  const t = useTranslations("common");
  return (
    <Toaster
      position="bottom-right"
      closeButton
      duration={6000}
      customAriaLabel={t("notifications")}
      toastOptions={{ closeButtonAriaLabel: t("closeNotification") }}
    />
  );
}
