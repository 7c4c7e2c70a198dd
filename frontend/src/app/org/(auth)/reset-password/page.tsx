import { ResetPasswordForm } from "@/components/auth/ResetPasswordForm";

/** On an organisation host: say the password changed, with a link to this organisation's sign-in. */
export default function ResetPasswordPage() {
  return <ResetPasswordForm signInHref="/login" forgotHref="/forgot-password" />;
}
