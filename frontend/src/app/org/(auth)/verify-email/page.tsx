import { VerifyEmail } from "@/components/auth/VerifyEmail";

export default function VerifyEmailPage() {
  return <VerifyEmail continueHref="/" />;
}
