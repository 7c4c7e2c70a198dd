import type { ReactNode } from "react";
import { PublicShell } from "@/components/SiteHeader";

export default function SiteLayout({ children }: { children: ReactNode }) {
  return <PublicShell>{children}</PublicShell>;
}
