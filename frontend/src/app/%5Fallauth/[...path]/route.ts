import { forwardToBackend } from "@/server/backendProxy";

// django-allauth headless (password reset, email verification), proxied like /api: see src/server/backendProxy.ts.
export const dynamic = "force-dynamic";

export const GET = forwardToBackend;
export const HEAD = forwardToBackend;
export const POST = forwardToBackend;
export const PUT = forwardToBackend;
export const PATCH = forwardToBackend;
export const DELETE = forwardToBackend;
export const OPTIONS = forwardToBackend;
