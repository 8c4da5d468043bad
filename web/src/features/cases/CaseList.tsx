import { useState } from "react";
import type { Page } from "../../api";
import { Link, navigate } from "../../router";
import { Empty, ErrorState, Loading } from "../../ui/elements";
import { useApi, useResource, useSession } from "../../ui/hooks";
import { ClientPicker } from "../records/ClientPicker";
import { ExportLinks } from "../records/ExportLinks";
import { useCaseTypes } from "../records/settings";
import { type Case, type Client, clientName } from "../records/types";
import { CaseTable } from "./CaseTable";
import { statusesFor } from "./vocabulary";

const FILTERS = ["status", "case_type", "client_id"] as const;
type Filter = (typeof FILTERS)[number];

/** The firm's cases, newest first, by status, case type and client (kept in the address bar). */
export function CaseList({ search }: { search: string }) {
  const call = useApi();
  const { session } = useSession();
  const [caseTypes] = useCaseTypes();
  const types = caseTypes.data?.case_types ?? [];
  const query = filtersOf(search);
  const [pages, setPages] = useState<string[]>([""]);
  const [resource, reload] = useResource(
    `cases:${session.tenantId}:${query}:${pages.join(",")}`,
    async (signal) => {
      const all: Case[] = [];
      let next: string | null = null;
      for (const cursor of pages) {
        const params = new URLSearchParams(query);
        params.set("limit", "50");
        if (cursor) params.set("cursor", cursor);
        const page = await call<Page<Case>>("GET", `/v1/cases?${params}`, undefined, signal);
        all.push(...page.data);
        next = page.next_cursor;
      }
      // One read per client on the page, so the table shows names rather than ids.
      const ids = [...new Set(all.map((c) => c.client_id))];
      const clients = await Promise.all(
        ids.map((id) => call<Client>("GET", `/v1/clients/${id}`, undefined, signal).catch(() => null)),
      );
      const names: Record<string, string> = {};
      for (const client of clients) if (client) names[client.id] = clientName(client);
      return { cases: all, next, names };
    },
  );

  const setFilter = (filter: Filter, value: string) => {
    const params = new URLSearchParams(query);
    if (value) params.set(filter, value);
    else params.delete(filter);
    if (filter === "case_type") params.delete("status");
    setPages([""]);
    navigate(`/cases${params.toString() ? `?${params}` : ""}`, { replace: true });
  };
  const caseType = query.get("case_type") ?? "";
  const status = query.get("status") ?? "";
  const statuses = statusesFor(types, caseType || null);
  const filtered = query.toString() !== "";

  return (
    <section aria-labelledby="cases-title">
      <div className="page-head">
        <h1 id="cases-title">Cases</h1>
        <div className="actions">
          <ExportLinks object="cases" query={query} />
          <Link
            className="button button-primary"
            href={`/cases/new${query.get("client_id") ? `?client_id=${query.get("client_id")}` : ""}`}
          >
            New case
          </Link>
        </div>
      </div>
      <fieldset className="filters card">
        <legend className="visually-hidden">Filter cases</legend>
        <div className="field">
          <label htmlFor="cases-case-type">Case type</label>
          {types.length > 0 ? (
            <select
              id="cases-case-type"
              value={caseType}
              onChange={(e) => setFilter("case_type", e.target.value)}
            >
              <option value="">Any type</option>
              {types.map((t) => (
                <option key={t.key} value={t.key}>
                  {t.label}
                </option>
              ))}
            </select>
          ) : (
            <FilterText id="cases-case-type" value={caseType} onCommit={(v) => setFilter("case_type", v)} />
          )}
        </div>
        <div className="field">
          <label htmlFor="cases-status">Status</label>
          {statuses.length > 0 ? (
            <select id="cases-status" value={status} onChange={(e) => setFilter("status", e.target.value)}>
              <option value="">Any status</option>
              {statuses.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.label}
                </option>
              ))}
            </select>
          ) : (
            <FilterText id="cases-status" value={status} onCommit={(v) => setFilter("status", v)} />
          )}
        </div>
        <div className="field">
          <label htmlFor="cases-client">Client</label>
          <ClientPicker
            id="cases-client"
            value={query.get("client_id") ?? ""}
            onChange={(v) => setFilter("client_id", v)}
          />
        </div>
        {filtered && (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => navigate("/cases", { replace: true })}
          >
            Clear filters
          </button>
        )}
      </fieldset>
      {resource.state === "error" && (
        <ErrorState title="Could not load cases" error={resource.error} onRetry={reload} />
      )}
      {resource.state === "loading" && !resource.data && <Loading label="Loading cases…" />}
      {resource.data && resource.data.cases.length === 0 && (
        <Empty title={filtered ? "No case matches these filters" : "No cases yet"}>
          <p>
            {filtered
              ? "Clear a filter to see more."
              : "Cases come in from calls and imports, or open one from a client."}
          </p>
        </Empty>
      )}
      {resource.data && resource.data.cases.length > 0 && (
        <>
          <CaseTable
            cases={resource.data.cases}
            caseTypes={types}
            showClient
            clientNames={resource.data.names}
          />
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

/** A free-text filter (when the server has no vocabulary), applied on Enter or when leaving the box. */
function FilterText({ id, value, onCommit }: { id: string; value: string; onCommit(value: string): void }) {
  const [text, setText] = useState(value);
  return (
    <input
      id={id}
      type="text"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text.trim() !== value && onCommit(text.trim())}
      onKeyDown={(e) => {
        if (e.key === "Enter") onCommit(text.trim());
      }}
    />
  );
}

function filtersOf(search: string): URLSearchParams {
  const all = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const f of FILTERS) {
    const value = all.get(f);
    if (value) kept.set(f, value);
  }
  return kept;
}
