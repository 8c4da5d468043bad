import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from "react";

/** A tiny History API router: the server answers every dashboard path with index.html. */
export type Route =
  | { page: "webhooks" }
  | { page: "new-webhook" }
  | { page: "edit-webhook"; id: string }
  | { page: "webhook"; id: string; delivery: string | null }
  | { page: "destinations" }
  | { page: "new-destination" }
  | { page: "edit-destination"; id: string }
  | { page: "destination"; id: string; delivery: string | null }
  | { page: "catalog"; type: string | null }
  | { page: "clients"; search: string }
  | { page: "new-client" }
  | { page: "client"; id: string }
  | { page: "edit-client"; id: string }
  | { page: "cases"; search: string }
  | { page: "new-case"; clientId: string }
  | { page: "case"; id: string }
  | { page: "edit-case"; id: string }
  | { page: "settings" }
  | { page: "import" }
  | { page: "integrations" }
  | { page: "crm-connection"; id: string; tab: string | null; delivery: string | null; connected: boolean }
  | { page: "enrichment" }
  | { page: "not-found"; path: string };

export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.replace(/\/+$/, "") || "/";
  const query = new URLSearchParams(search);
  if (path === "/" || path === "/webhooks") return { page: "webhooks" };
  if (path === "/webhooks/new") return { page: "new-webhook" };
  if (path === "/destinations") return { page: "destinations" };
  if (path === "/destinations/new") return { page: "new-destination" };
  const editDestination = /^\/destinations\/(dst_[0-9A-Za-z]+)\/edit$/.exec(path);
  if (editDestination?.[1]) return { page: "edit-destination", id: editDestination[1] };
  const destination = /^\/destinations\/(dst_[0-9A-Za-z]+)$/.exec(path);
  if (destination?.[1]) return { page: "destination", id: destination[1], delivery: query.get("delivery") };
  if (path === "/catalog") return { page: "catalog", type: query.get("type") };
  if (path === "/integrations") return { page: "integrations" };
  const crm = /^\/integrations\/crm\/(crm_[0-9A-Za-z]+)$/.exec(path);
  if (crm?.[1])
    return {
      page: "crm-connection",
      id: crm[1],
      tab: query.get("tab"),
      delivery: query.get("delivery"),
      connected: query.get("connected") === "1",
    };
  if (path === "/enrichment") return { page: "enrichment" };
  const records = recordRoute(path, search, query);
  if (records) return records;
  const edit = /^\/webhooks\/(wh_[0-9A-Za-z]+)\/edit$/.exec(path);
  if (edit?.[1]) return { page: "edit-webhook", id: edit[1] };
  const detail = /^\/webhooks\/(wh_[0-9A-Za-z]+)$/.exec(path);
  if (detail?.[1]) return { page: "webhook", id: detail[1], delivery: query.get("delivery") };
  return { page: "not-found", path };
}

/** Clients, cases, their settings and imports. */
function recordRoute(path: string, search: string, query: URLSearchParams): Route | null {
  if (path === "/clients") return { page: "clients", search };
  if (path === "/clients/new") return { page: "new-client" };
  if (path === "/cases") return { page: "cases", search };
  if (path === "/cases/new") return { page: "new-case", clientId: query.get("client_id") ?? "" };
  if (path === "/settings") return { page: "settings" };
  if (path === "/import") return { page: "import" };
  const match = /^\/(clients|cases)\/((?:cli|cas)_[0-9A-Za-z]+)(\/edit)?$/.exec(path);
  if (!match?.[2]) return null;
  const [, kind, id, edit] = match;
  if (kind === "clients" && id.startsWith("cli_")) return { page: edit ? "edit-client" : "client", id };
  if (kind === "cases" && id.startsWith("cas_")) return { page: edit ? "edit-case" : "case", id };
  return null;
}

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  for (const listener of listeners) listener();
  if (!options.replace) window.scrollTo(0, 0);
}

const read = (): Route => parseRoute(location.pathname, location.search);

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    listeners.add(update);
    window.addEventListener("popstate", update);
    return () => {
      listeners.delete(update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return route;
}

/** A real link (keyboard, middle-click and "open in new tab" work) that navigates in place. */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, href, ...rest } = props;
  const handle = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} {...rest} onClick={handle} />;
}
