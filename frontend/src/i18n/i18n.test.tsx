import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useTranslations } from "next-intl";
import { beforeEach, describe, expect, it } from "vitest";
import { LanguageSwitcher } from "@/components/LanguageSwitcher";
import { SignupForm } from "@/features/signup/SignupForm";
import { renderWithIntl } from "@/test/render";
import { pickLocale } from "./config";
import en from "../../messages/en.json";
import fr from "../../messages/fr.json";

function Heading() {
  const t = useTranslations("signup");
  return <h1>{t("title")}</h1>;
}

function keys(messages: object, prefix = ""): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === "object" && value !== null ? keys(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

beforeEach(() => {
  document.cookie = "NEXT_LOCALE=; max-age=0; path=/";
  document.documentElement.lang = "en";
});

describe("i18n", () => {
  it("switches the whole UI between English and French without a reload, and remembers the choice", async () => {
    const user = userEvent.setup();
    renderWithIntl(
      <>
        <LanguageSwitcher />
        <Heading />
        <SignupForm navigate={() => undefined} />
      </>,
    );
    expect(screen.getByRole("heading", { name: "Create your organisation" })).toBeInTheDocument();
    expect(screen.getByLabelText("Organisation name")).toBeInTheDocument();

    await user.selectOptions(screen.getByRole("combobox", { name: "Language" }), "fr");

    expect(screen.getByRole("heading", { name: "Créer votre organisation" })).toBeInTheDocument();
    expect(screen.getByLabelText("Nom de l'organisation")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Créer l'organisation" })).toBeInTheDocument();
    expect(screen.getByRole("combobox", { name: "Langue" })).toHaveValue("fr");
    expect(document.documentElement.lang).toBe("fr");
    expect(document.cookie).toContain("NEXT_LOCALE=fr");

    await user.selectOptions(screen.getByRole("combobox", { name: "Langue" }), "en");
    expect(screen.getByRole("heading", { name: "Create your organisation" })).toBeInTheDocument();
    expect(document.cookie).toContain("NEXT_LOCALE=en");
  });

  it("renders French from the start when that is the initial locale", () => {
    renderWithIntl(<Heading />, { locale: "fr" });
    expect(screen.getByRole("heading", { name: "Créer votre organisation" })).toBeInTheDocument();
  });

  it("picks the locale from the cookie, then Accept-Language, then English", () => {
    expect(pickLocale("fr", "en-GB")).toBe("fr");
    expect(pickLocale(undefined, "fr-CA,fr;q=0.9,en;q=0.8")).toBe("fr");
    expect(pickLocale("xx", "de-DE,de;q=0.9")).toBe("en");
  });

  it("has every English message translated into French", () => {
    expect(keys(fr).sort()).toEqual(keys(en).sort());
  });
});
