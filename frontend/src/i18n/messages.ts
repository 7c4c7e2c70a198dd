import en from "../../messages/en.json";
import fr from "../../messages/fr.json";
import type { Locale } from "./config";

export type Messages = typeof en;

// Both catalogues are small; bundling them lets the language switch without a round trip.
export const messages: Record<Locale, Messages> = { en, fr };
