import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic, { type SetHeadersResponse } from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Where `vite build web` writes the dashboard (the same from src/api and dist/api). */
export const DASHBOARD_DIR = fileURLToPath(new URL("../../web/dist/", import.meta.url));

/** Paths the API owns: never answered with the dashboard, so their 404s keep the JSON envelope. */
const API_PATH = /^\/(?:v\d+|openapi\.json|healthz|readyz|metrics)(?:[/?]|$)/;

const NOT_BUILT =
  "The Switchboard dashboard is not built. Run `npm run build` in the checkout, then start the server again.\n" +
  "The API itself is running: see /openapi.json and /healthz.\n";

/** Headers for the dashboard's HTML: no framing, no inline script, API calls to this origin only. */
const PAGE_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

export interface Dashboard {
  /**
   * For the not-found handler: answers a browser's GET of a dashboard route (`/webhooks/wh_…`)
   * with index.html so the client-side router takes over. Returns false for anything else (API
   * paths, non-GET, requests that do not accept HTML, missing asset files).
   */
  fallback(request: FastifyRequest, reply: FastifyReply): boolean;
}

function setHeaders(response: SetHeadersResponse, path: string): void {
  if (path.endsWith(".html")) {
    for (const [name, value] of Object.entries(PAGE_HEADERS)) response.setHeader(name, value);
  } else if (/[/\\]assets[/\\]/.test(path)) {
    // Vite names these by content hash.
    response.setHeader("cache-control", "public, max-age=31536000, immutable");
  } else {
    response.setHeader("cache-control", "no-cache");
  }
}

/** Serves the built dashboard (web/dist) at `/`; without a build, `/` says how to make one. */
export async function registerDashboard(
  // biome-ignore lint/suspicious/noExplicitAny: any type provider; only plain routes are added.
  app: FastifyInstance<any, any, any, any, any>,
  root: string = DASHBOARD_DIR,
): Promise<Dashboard> {
  if (!existsSync(join(root, "index.html"))) {
    app.get("/", { schema: { hide: true } }, async (_request, reply) => {
      reply.type("text/plain; charset=utf-8");
      return NOT_BUILT;
    });
    return { fallback: () => false };
  }
  await app.register(fastifyStatic, {
    root,
    prefix: "/",
    index: "index.html",
    // One route per built file: no catch-all GET route shadowing the API's 404s.
    wildcard: false,
    cacheControl: false,
    setHeaders,
    schemaHide: true,
  });
  return {
    fallback(request, reply) {
      if (request.method !== "GET" && request.method !== "HEAD") return false;
      const path = request.url.split("?")[0] ?? "/";
      if (API_PATH.test(path)) return false;
      if (!(request.headers.accept ?? "").includes("text/html")) return false;
      // A missing file (`/assets/old-hash.js`) is a 404, not the app.
      if (/\.[A-Za-z0-9]+$/.test(path)) return false;
      reply.headers(PAGE_HEADERS);
      reply.sendFile("index.html", root);
      return true;
    },
  };
}
