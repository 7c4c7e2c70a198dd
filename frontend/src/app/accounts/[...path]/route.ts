import { forwardToBackend } from "@/server/backendProxy";

// Social login's one callback host: `/accounts/<provider>/login/callback/` and the kit's start and finish
// steps (shared_apps/accounts/social_urls.py) are Django's, on the public host. Proxied like /api so the
// flow works under `make dev` too (nginx and the ingress route /accounts/ to Django in production).
export const dynamic = "force-dynamic";

export const GET = forwardToBackend;
export const HEAD = forwardToBackend;
export const POST = forwardToBackend;
