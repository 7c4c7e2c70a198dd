/** What the backend's AUTH_PASSWORD_VALIDATORS require, shown while typing. The server stays the authority. */
export const PASSWORD_MIN_LENGTH = 10;

export interface PasswordRuleState {
  length: boolean;
  notNumeric: boolean;
  notEmail: boolean;
}

export function passwordRules(password: string, email: string): PasswordRuleState {
  const local = email.split("@")[0]?.toLowerCase() ?? "";
  const lower = password.toLowerCase();
  return {
    length: password.length >= PASSWORD_MIN_LENGTH,
    notNumeric: password.length > 0 && !/^\d+$/.test(password),
    notEmail: password.length > 0 && !(local.length >= 3 && (lower.includes(local) || local.includes(lower))),
  };
}
