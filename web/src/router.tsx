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
  const edit = /^\/webhooks\/(wh_[0-9A-Za-z]+)\/edit$/.exec(path);
  if (edit?.[1]) return { page: "edit-webhook", id: edit[1] };
  const detail = /^\/webhooks\/(wh_[0-9A-Za-z]+)$/.exec(path);
  if (detail?.[1]) return { page: "webhook", id: detail[1], delivery: query.get("delivery") };
  return { page: "not-found", path };
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
