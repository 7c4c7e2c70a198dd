"use client";

import { useRouter } from "next/navigation";
import { ResetPasswordForm } from "@/components/auth/ResetPasswordForm";

/** Where the public host's reset emails link to; once the password is changed, its sign-in page says so. */
export default function ResetPasswordPage() {
  const router = useRouter();
  return (
    <ResetPasswordForm
      signInHref="/login"
      forgotHref="/forgot-password"
      onDone={() => router.replace("/login?passwordReset=1")}
    />
  );
}
