import { VerifyEmail } from "@/components/auth/VerifyEmail";

/** Where the public host's verification emails link to; "Continue" opens the account (sign-in first if needed). */
export default function VerifyEmailPage() {
  return <VerifyEmail continueHref="/account" />;
}
