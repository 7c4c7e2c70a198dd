import type { ReactNode } from "react";
import { OrgShell } from "@/features/org/OrgShell";

export default function OrganisationLayout({ children }: { children: ReactNode }) {
  return <OrgShell>{children}</OrgShell>;
}
