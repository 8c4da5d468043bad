import { useEffect, useMemo, useState } from "react";
import type { EventType } from "../../api";
import { CodeBlock, Empty, ErrorState, Loading } from "../../ui/elements";
import { useCatalog } from "./catalog";

/** Every event type the platform emits, with its description, JSON Schema and an example. */
export function Catalog({ focus }: { focus: string | null }) {
  const [catalog, reload] = useCatalog();
  const [query, setQuery] = useState("");
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const map = new Map<string, EventType[]>();
    for (const type of catalog.data?.data ?? []) {
      if (q && !type.name.toLowerCase().includes(q) && !type.description.toLowerCase().includes(q)) continue;
      map.set(type.category, [...(map.get(type.category) ?? []), type]);
    }
    return [...map.entries()];
  }, [catalog.data, query]);

  useEffect(() => {
    if (focus && catalog.data) document.getElementById(`type-${focus}`)?.scrollIntoView({ block: "start" });
  }, [focus, catalog.data]);

  return (
    <section aria-labelledby="catalog-title">
      <div className="page-head">
        <h1 id="catalog-title">Event catalog</h1>
      </div>
      <p className="muted lead">
        Every event a webhook can receive. Each delivery's body is{" "}
        <code>{'{"id", "type", "event", "timestamp", "data"}'}</code>, where <code>data</code> follows the
        type's schema.
      </p>
      {catalog.state === "error" && !catalog.data && (
        <ErrorState title="Could not load the event catalog" error={catalog.error} onRetry={reload} />
      )}
      {!catalog.data && catalog.state === "loading" && <Loading label="Loading the event catalog…" />}
      {catalog.data && (
        <>
          <div className="field search">
            <label htmlFor="catalog-search">Filter event types</label>
            <input
              id="catalog-search"
              type="search"
              placeholder="call.ended, transcript, case…"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
            />
          </div>
          <p className="muted" aria-live="polite">
            {groups.reduce((n, [, types]) => n + types.length, 0)} of {catalog.data.data.length} event types
          </p>
          {groups.length === 0 && (
            <Empty title="No event type matches">
              <p>Try another word, or clear the filter.</p>
            </Empty>
          )}
          <nav className="category-nav" aria-label="Categories">
            {groups.map(([category, types]) => (
              <a key={category} href={`#category-${category}`}>
                {category} <span className="muted">({types.length})</span>
              </a>
            ))}
          </nav>
          {groups.map(([category, types]) => (
            <section key={category} className="category" aria-labelledby={`category-${category}`}>
              <h2 id={`category-${category}`}>{category}</h2>
              {types.map((type) => (
                <article key={type.name} id={`type-${type.name}`} className="card event-type">
                  <h3 className="mono">{type.name}</h3>
                  <p>{type.description}</p>
                  <details open={focus === type.name}>
                    <summary>Schema and example</summary>
                    <div className="exchange">
                      <CodeBlock label="Schema of data">{JSON.stringify(type.schema, null, 2)}</CodeBlock>
                      <CodeBlock label="Example data">{JSON.stringify(type.example, null, 2)}</CodeBlock>
                    </div>
                  </details>
                </article>
              ))}
            </section>
          ))}
        </>
      )}
    </section>
  );
}
