import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";

/**
 * Development (and `next start` without nginx) proxy from the browser's origin to Django.
 *
 * Why not a `rewrites()` entry: Next.js proxies external rewrites with `changeOrigin`, so Django would see
 * `Host: 127.0.0.1:8000` and could not tell which organisation is asked for. Here the incoming Host header
 * is forwarded as is, the body is streamed both ways (uploads keep their progress), and every Set-Cookie
 * comes back untouched (the refresh cookie stays host-only on the organisation's host). In production
 * nginx routes /api to Django directly and this code is not on the path.
 */

const BACKEND_URL = new URL(process.env.BACKEND_URL || "http://127.0.0.1:8000");

// A new connection per request, never a kept-alive one: Node's default agent reuses idle sockets that
// gunicorn closes after its `keepalive` seconds, and a request sent on one just as it closes fails with
// "socket hang up" (seen under load in the e2e tests). On loopback a connection costs next to nothing.
const agents = { "http:": new http.Agent({ keepAlive: false }), "https:": new https.Agent({ keepAlive: false }) };

// Hop-by-hop headers (RFC 9110 7.6.1) are for one connection only.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

export async function forwardToBackend(request: Request): Promise<Response> {
  const incoming = new URL(request.url);
  const headers: http.OutgoingHttpHeaders = {};
  request.headers.forEach((value, key) => {
    if (!HOP_BY_HOP.has(key)) headers[key] = value;
  });
  // Uncompressed from Django: the body is streamed through unchanged, with no Content-Encoding surprises.
  delete headers["accept-encoding"];
  const host = request.headers.get("host") ?? incoming.host;
  headers.host = host;
  headers["x-forwarded-host"] = host;
  headers["x-forwarded-proto"] = incoming.protocol.replace(":", "");

  const transport = BACKEND_URL.protocol === "https:" ? https : http;
  const hasBody = request.body !== null && !["GET", "HEAD"].includes(request.method);

  return new Promise<Response>((resolve) => {
    const upstream = transport.request(
      {
        protocol: BACKEND_URL.protocol,
        hostname: BACKEND_URL.hostname,
        port: BACKEND_URL.port || (BACKEND_URL.protocol === "https:" ? 443 : 80),
        method: request.method,
        agent: BACKEND_URL.protocol === "https:" ? agents["https:"] : agents["http:"],
        // pathname + search exactly as the browser sent them, trailing slash included.
        path: incoming.pathname + incoming.search,
        headers,
      },
      (response) => {
        const out = new Headers();
        for (const [key, value] of Object.entries(response.headers)) {
          if (value === undefined || HOP_BY_HOP.has(key)) continue;
          // Each Set-Cookie stays its own header line; joining them would corrupt Expires dates.
          if (Array.isArray(value)) value.forEach((item) => out.append(key, item));
          else out.set(key, String(value));
        }
        const status = response.statusCode ?? 502;
        const noBody = request.method === "HEAD" || status === 204 || status === 304;
        if (noBody) response.resume();
        resolve(
          new Response(noBody ? null : (Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>), {
            status,
            statusText: response.statusMessage,
            headers: out,
          }),
        );
      },
    );
    upstream.on("error", (error) => {
      resolve(
        Response.json(
          {
            type: "server_error",
            errors: [{ code: "backend_unreachable", detail: `The API at ${BACKEND_URL.origin} did not answer: ${error.message}`, attr: null }],
          },
          { status: 502 },
        ),
      );
    });
    if (hasBody && request.body) {
      Readable.fromWeb(request.body as unknown as NodeReadableStream<Uint8Array>).pipe(upstream);
    } else {
      upstream.end();
    }
  });
}
