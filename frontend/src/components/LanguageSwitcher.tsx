"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import { isLocale, localeNames, locales } from "@/i18n/config";
import { useLocaleSwitch } from "@/i18n/IntlProvider";

export function LanguageSwitcher() {
  const t = useTranslations("common");
  const { locale, setLocale } = useLocaleSwitch();
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="sr-only">
        {t("language")}
      </label>
      <select
        id={id}
        value={locale}
        onChange={(event) => {
          if (isLocale(event.target.value)) setLocale(event.target.value);
        }}
        className="rounded-md border-0 bg-transparent py-1 pr-7 pl-2 text-sm text-slate-700 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none dark:text-slate-300 dark:ring-slate-600 dark:focus:ring-indigo-400"
      >
        {locales.map((code) => (
          <option key={code} value={code} lang={code}>
            {localeNames[code]}
          </option>
        ))}
      </select>
    </div>
  );
}
