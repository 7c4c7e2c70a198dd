import type { ReactNode } from "react";
import { AuthShell } from "@/features/org/AuthShell";

export default function SignedOutLayout({ children }: { children: ReactNode }) {
  return <AuthShell>{children}</AuthShell>;
}
