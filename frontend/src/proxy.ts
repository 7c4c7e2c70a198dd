import { NextResponse, type NextRequest } from "next/server";
import { classifyHost } from "@/lib/host";

/**
 * One app, two sites: the bare base domain serves the public site (src/app/site), `<sub>.<base>` an
 * organisation (src/app/org). The browser keeps the clean path (`/members`); only the route rendered changes.
 * Requests for /site/* or /org/* typed directly end up under the other prefix and 404.
 */
export function proxy(request: NextRequest) {
  const host = classifyHost(request.headers.get("host") ?? "");
  const prefix = host.kind === "public" ? "/site" : "/org";
  const url = request.nextUrl.clone();
  url.pathname = `${prefix}${url.pathname === "/" ? "" : url.pathname}`;
  return NextResponse.rewrite(url);
}

export const config = {
  // Not the API or social login's callbacks (proxied to Django by route handlers), not Next's own assets,
  // not files with an extension.
  matcher: ["/((?!api/|_allauth/|accounts/|_next/|favicon\\.ico|.*\\.[a-zA-Z0-9]+$).*)"],
};
