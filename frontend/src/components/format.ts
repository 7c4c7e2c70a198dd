"use client";

import { useFormatter } from "next-intl";

export function useDates() {
  const format = useFormatter();
  return {
    date: (value: string | null | undefined) => (value ? format.dateTime(new Date(value), { dateStyle: "medium" }) : "—"),
    dateTime: (value: string | null | undefined) =>
      value ? format.dateTime(new Date(value), { dateStyle: "medium", timeStyle: "short" }) : "—",
    bytes: (size: number) => {
      const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
      let value = size;
      let unit = 0;
      while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit += 1;
      }
      return format.number(value, { style: "unit", unit: units[unit], unitDisplay: "short", maximumFractionDigits: 1 });
    },
  };
}

export function personLabel(value: string | { id: number; email: string } | null | undefined): string {
  if (!value) return "—";
  return typeof value === "string" ? value : value.email;
}
