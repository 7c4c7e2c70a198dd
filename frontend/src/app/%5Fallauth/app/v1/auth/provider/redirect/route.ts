import { forwardToBackend } from "@/server/backendProxy";
import { continuePage } from "@/features/social/continuePage";

// The sign-in pages' provider buttons post a browser form here (features/social/ProviderButtons.tsx). Their
// Content-Security-Policy has `form-action 'self'`, which browsers apply to every redirect that follows a form
// submission: Django's 302 to the public host's start step (then to the provider) would be blocked. So a
// redirect answer becomes a small page that continues with a plain navigation (no form submission, no
// `form-action`), and the page's CSP stays as strict as it is. Anything else (400 invalid_url, 429) goes back as is.
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const response = await forwardToBackend(request);
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || !location) return response;
  const page = continuePage(new URL(location, request.url));
  if (!page) return response;
  await response.body?.cancel();
  const headers = new Headers({
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
  });
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  return new Response(page, { status: 200, headers });
}
