import { useEffect, useState } from "react";
import type { Page } from "../../api";
import { isAbort } from "../../api";
import { describedBy } from "../../ui/fields";
import { useApi, useResource } from "../../ui/hooks";
import { type Client, clientName } from "./types";

/**
 * Picks a client by typing part of the name (the list's `q` search). Shows the picked client's
 * name, never a bare id.
 */
export function ClientPicker({
  id,
  value,
  error,
  onChange,
}: {
  id: string;
  value: string;
  error?: string;
  onChange(clientId: string): void;
}) {
  const call = useApi();
  const [text, setText] = useState("");
  const [matches, setMatches] = useState<Client[] | null>(null);
  const [picked] = useResource(`picked-client:${value}`, (signal) =>
    value ? call<Client>("GET", `/v1/clients/${value}`, undefined, signal) : Promise.resolve(null),
  );

  useEffect(() => {
    const query = text.trim();
    if (query === "") {
      setMatches(null);
      return;
    }
    const controller = new AbortController();
    // Searched a moment after the last keystroke, not once per letter.
    const timer = setTimeout(() => {
      call<Page<Client>>(
        "GET",
        `/v1/clients?q=${encodeURIComponent(query)}&limit=8`,
        undefined,
        controller.signal,
      ).then(
        (page) => setMatches(page.data),
        (failure: unknown) => {
          if (!isAbort(failure)) setMatches([]);
        },
      );
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text, call]);

  if (value)
    return (
      <div className="inline">
        <strong data-testid="picked-client">
          {picked.data ? clientName(picked.data) : picked.state === "error" ? value : "…"}
        </strong>
        <button type="button" className="button button-small" onClick={() => onChange("")}>
          Change client
        </button>
      </div>
    );
  return (
    <div>
      <input
        id={id}
        type="search"
        placeholder="Type part of the client's name"
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, error, false)}
        onChange={(event) => setText(event.target.value)}
      />
      {matches && matches.length === 0 && <p className="hint">No client matches “{text}”.</p>}
      {matches && matches.length > 0 && (
        <ul className="stack" aria-label="Matching clients">
          {matches.map((client) => (
            <li key={client.id}>
              <button type="button" className="link-button" onClick={() => onChange(client.id)}>
                {clientName(client)}
              </button>{" "}
              <span className="muted">{client.phones[0]?.number ?? client.emails[0] ?? ""}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
