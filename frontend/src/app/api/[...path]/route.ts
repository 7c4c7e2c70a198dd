import { forwardToBackend } from "@/server/backendProxy";

// Every method goes to Django with the original Host header (see src/server/backendProxy.ts).
export const dynamic = "force-dynamic";

export const GET = forwardToBackend;
export const HEAD = forwardToBackend;
export const POST = forwardToBackend;
export const PUT = forwardToBackend;
export const PATCH = forwardToBackend;
export const DELETE = forwardToBackend;
export const OPTIONS = forwardToBackend;
