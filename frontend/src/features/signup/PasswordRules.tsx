"use client";

import { useTranslations } from "next-intl";
import { passwordRules, PASSWORD_MIN_LENGTH } from "./password";

/** The password rules, each ticked as it is met while typing: the same list on signup and on accepting an invitation. */
export function PasswordRules({ id, password, email }: { id: string; password: string; email: string }) {
  const t = useTranslations("signup.passwordRules");
  const rules = passwordRules(password, email);
  return (
    <ul id={id} className="space-y-0.5 text-sm" aria-label={t("title")}>
      {(
        [
          ["length", t("length", { min: PASSWORD_MIN_LENGTH })],
          ["notNumeric", t("notNumeric")],
          ["notEmail", t("notEmail")],
          ["common", t("common")],
        ] as const
      ).map(([key, text]) => {
        const met = key === "common" ? null : rules[key];
        return (
          <li key={key} className={met ? "text-green-700 dark:text-green-400" : "text-slate-600 dark:text-slate-400"}>
            <span aria-hidden="true">{met ? "✓" : "•"}</span> {text}
            {met !== null && <span className="sr-only"> {met ? t("met") : t("notMet")}</span>}
          </li>
        );
      })}
    </ul>
  );
}
