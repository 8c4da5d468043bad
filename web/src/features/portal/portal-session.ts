/**
 * The embeddable portal: a platform opens `/portal#token=sbp_…` (from POST /v1/portal/sessions)
 * for one of its firms. The token rides in the fragment, which browsers never send to a server or
 * in a Referer; it is taken out of the address bar at once and kept for this tab only.
 */
import type { Session } from "../../api";

const PORTAL_PATH = "/portal";

/** When the token stops working (its signed claims carry it), or null if unreadable. */
export function portalExpiry(token: string): string | null {
  try {
    const payload = token.replace(/^sbp_/, "").split(".")[0] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const claims = JSON.parse(json) as { expires_at?: unknown };
    return typeof claims.expires_at === "number" ? new Date(claims.expires_at).toISOString() : null;
  } catch {
    return null;
  }
}

/**
 * The portal session a link opens, when this page was opened from one: the address bar then shows
 * the webhooks page, without the token. Null for any other page.
 */
export function sessionFromPortalLink(): Session | null {
  if (location.pathname.replace(/\/+$/, "") !== PORTAL_PATH) return null;
  const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("token");
  history.replaceState(null, "", "/");
  if (!token?.startsWith("sbp_")) return null;
  return { key: token, admin: false, tenantId: null, tenantName: null, portal: true };
}
