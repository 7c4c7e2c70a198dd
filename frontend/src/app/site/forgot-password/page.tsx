import { ForgotPasswordForm } from "@/components/auth/ForgotPasswordForm";

/** The public host's `/forgot-password` (allauth's account_reset_password URL for accounts on the public host). */
export default function ForgotPasswordPage() {
  return <ForgotPasswordForm signInHref="/login" />;
}
