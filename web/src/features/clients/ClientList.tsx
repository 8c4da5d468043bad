import { type FormEvent, useState } from "react";
import type { Page } from "../../api";
import { Link, navigate } from "../../router";
import { Empty, ErrorState, Loading } from "../../ui/elements";
import { relativeTime } from "../../ui/format";
import { useApi, useResource, useSession } from "../../ui/hooks";
import { ExportLinks } from "../records/ExportLinks";
import { type Client, clientName } from "../records/types";

const FILTERS = ["q", "phone", "email"] as const;

/** The firm's clients, newest first, searchable by name, phone and email (kept in the address bar). */
export function ClientList({ search }: { search: string }) {
  const call = useApi();
  const { session } = useSession();
  const query = filtersOf(search);
  const [draft, setDraft] = useState(() => Object.fromEntries(FILTERS.map((f) => [f, query.get(f) ?? ""])));
  const [pages, setPages] = useState<string[]>([""]);
  const [resource, reload] = useResource(
    `clients:${session.tenantId}:${query}:${pages.join(",")}`,
    async (signal) => {
      const all: Client[] = [];
      let next: string | null = null;
      for (const cursor of pages) {
        const params = new URLSearchParams(query);
        params.set("limit", "50");
        if (cursor) params.set("cursor", cursor);
        const page = await call<Page<Client>>("GET", `/v1/clients?${params}`, undefined, signal);
        all.push(...page.data);
        next = page.next_cursor;
      }
      return { clients: all, next };
    },
  );

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const f of FILTERS) if (draft[f]?.trim()) params.set(f, draft[f].trim());
    setPages([""]);
    navigate(`/clients${params.toString() ? `?${params}` : ""}`, { replace: true });
  };
  const filtered = query.toString() !== "";

  return (
    <section aria-labelledby="clients-title">
      <div className="page-head">
        <h1 id="clients-title">Clients</h1>
        <div className="actions">
          <ExportLinks object="clients" query={query} />
          <Link className="button button-primary" href="/clients/new">
            New client
          </Link>
        </div>
      </div>
      <form className="filters card" aria-label="Find clients" onSubmit={apply}>
        <div className="field">
          <label htmlFor="clients-q">Name</label>
          <input
            id="clients-q"
            type="search"
            value={draft.q}
            placeholder="Part of the name"
            onChange={(event) => setDraft({ ...draft, q: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="clients-phone">Phone</label>
          <input
            id="clients-phone"
            type="tel"
            value={draft.phone}
            placeholder="(312) 555-0187"
            onChange={(event) => setDraft({ ...draft, phone: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="clients-email">Email</label>
          <input
            id="clients-email"
            type="email"
            value={draft.email}
            onChange={(event) => setDraft({ ...draft, email: event.target.value })}
          />
        </div>
        <div className="actions">
          <button type="submit" className="button button-primary">
            Search
          </button>
          {filtered && (
            <button
              type="button"
              className="button button-quiet"
              onClick={() => {
                setDraft({ q: "", phone: "", email: "" });
                setPages([""]);
                navigate("/clients", { replace: true });
              }}
            >
              Clear
            </button>
          )}
        </div>
      </form>
      {resource.state === "error" && (
        <ErrorState title="Could not load clients" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading clients…" />}
      {resource.data && resource.data.clients.length === 0 && (
        <Empty title={filtered ? "No client matches" : "No clients yet"}>
          <p>
            {filtered
              ? "Try part of the name, or the phone number in any format."
              : "Clients come in from calls and imports, or add one by hand."}
          </p>
        </Empty>
      )}
      {resource.data && resource.data.clients.length > 0 && (
        <>
          <table className="table table-cards">
            <caption className="visually-hidden">Clients</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Phone</th>
                <th scope="col">Email</th>
                <th scope="col">Source</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {resource.data.clients.map((client) => (
                <tr key={client.id}>
                  <td data-label="Name">
                    <Link href={`/clients/${client.id}`}>{clientName(client)}</Link>
                    {client.opt_out && <span className="badge badge-muted"> Opted out</span>}
                  </td>
                  <td data-label="Phone">{client.phones[0]?.number ?? "—"}</td>
                  <td data-label="Email">{client.emails[0] ?? "—"}</td>
                  <td data-label="Source">{client.source ?? "—"}</td>
                  <td data-label="Updated">{relativeTime(client.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {resource.data.next && (
            <button
              type="button"
              className="button"
              onClick={() => setPages((p) => [...p, resource.data?.next ?? ""])}
              disabled={resource.state === "loading"}
            >
              {resource.state === "loading" ? "Loading…" : "Load more"}
            </button>
          )}
        </>
      )}
    </section>
  );
}

/** The list filters of a query string (anything else in it is ignored). */
function filtersOf(search: string): URLSearchParams {
  const all = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const f of FILTERS) {
    const value = all.get(f);
    if (value) kept.set(f, value);
  }
  return kept;
}
