import type { Plan } from "@/lib/api/types";

/** The plans as GET /api/v1/billing/plans/ lists them (shared_apps/billing/migrations/0002_plans.py). */
export const PLANS: Plan[] = [
  { code: "free", name: "Free", priceMonthly: "0.00", currency: "usd", seatLimit: 3, storageLimitBytes: 1024 ** 3, features: [], trialDays: 0 },
  { code: "pro", name: "Pro", priceMonthly: "29.00", currency: "usd", seatLimit: 10, storageLimitBytes: 50 * 1024 ** 3, features: ["exports"], trialDays: 14 },
  {
    code: "business",
    name: "Business",
    priceMonthly: "99.00",
    currency: "usd",
    seatLimit: 50,
    storageLimitBytes: 500 * 1024 ** 3,
    features: ["exports", "priority_support"],
    trialDays: 0,
  },
];
