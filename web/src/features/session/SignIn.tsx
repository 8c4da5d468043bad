import { type FormEvent, useEffect, useState } from "react";
import { ApiError, apiRequest, errorMessage, type Page, type Session, type Tenant } from "../../api";
import { Empty, ErrorState, Loading, Notice } from "../../ui/elements";

/** Tenant keys are `sk_` + 43 base64url characters; anything else is probably the admin key. */
const TENANT_KEY = /^sk_[A-Za-z0-9_-]{43}$/;

type Probe = { kind: "tenant" } | { kind: "admin" };

const WRONG_KEY =
  "That API key was not accepted. Check that you pasted the whole key (tenant keys start with sk_) and that it has not been revoked.";

/**
 * Which kind of key is this? Asks the route that answers without an error for the likely kind, so
 * a good key never causes a failed request: GET /v1/webhooks for a tenant key (the admin key
 * without a tenant answers 400 tenant_required), GET /v1/tenants for the admin key (a tenant key
 * answers 403). A wrong key is 401 on both.
 */
async function probe(key: string): Promise<Probe> {
  const credentials = { key, tenantId: null };
  const askTenant = async (): Promise<Probe> => {
    try {
      await apiRequest(credentials, "GET", "/v1/webhooks?limit=1");
      return { kind: "tenant" };
    } catch (error) {
      if (error instanceof ApiError && error.code === "tenant_required") return { kind: "admin" };
      // A scoped key without webhooks:read is still a good tenant key.
      if (error instanceof ApiError && error.status === 403) return { kind: "tenant" };
      throw error;
    }
  };
  const askAdmin = async (): Promise<Probe> => {
    try {
      await apiRequest(credentials, "GET", "/v1/tenants?limit=1");
      return { kind: "admin" };
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) return { kind: "tenant" };
      throw error;
    }
  };
  return TENANT_KEY.test(key) ? askTenant() : askAdmin();
}

export function SignIn({
  session,
  message,
  onSignIn,
  onSignOut,
}: {
  session: Session | null;
  message: string | null;
  onSignIn: (session: Session) => void;
  onSignOut: () => void;
}) {
  if (session?.admin && session.tenantId === null) {
    return <TenantPicker adminKey={session.key} onPick={onSignIn} onCancel={onSignOut} />;
  }
  return <KeyForm message={message} onSignIn={onSignIn} />;
}

function KeyForm({ message, onSignIn }: { message: string | null; onSignIn: (session: Session) => void }) {
  const [key, setKey] = useState("");
  const [reveal, setReveal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (trimmed === "") {
      setError("Enter your API key.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const found = await probe(trimmed);
      onSignIn({ key: trimmed, admin: found.kind === "admin", tenantId: null, tenantName: null });
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? WRONG_KEY : errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <section className="card signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <p className="muted">
        Use your firm's Switchboard API key. It is kept in this browser tab only (session storage) and sent to
        the API as <code>Authorization: Bearer …</code>. An administrator can use the admin key and then pick
        a tenant.
      </p>
      {message && <Notice kind="info">{message}</Notice>}
      <form onSubmit={submit} noValidate>
        <div className={`field${error ? " field-invalid" : ""}`}>
          <label htmlFor="api-key">API key</label>
          <div className="inline">
            <input
              id="api-key"
              name="api-key"
              type={reveal ? "text" : "password"}
              autoComplete="off"
              spellCheck={false}
              value={key}
              onChange={(e) => setKey(e.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "api-key-error" : undefined}
              placeholder="sk_…"
            />
            <button
              type="button"
              className="button"
              onClick={() => setReveal((r) => !r)}
              aria-pressed={reveal}
            >
              {reveal ? "Hide" : "Show"}
            </button>
          </div>
          {error && (
            <p id="api-key-error" className="field-error" role="alert">
              {error}
            </p>
          )}
        </div>
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </section>
  );
}

function TenantPicker({
  adminKey,
  onPick,
  onCancel,
}: {
  adminKey: string;
  onPick: (session: Session) => void;
  onCancel: () => void;
}) {
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState<unknown>(null);
  const [chosen, setChosen] = useState<string>("");
  const [attempt, setAttempt] = useState(0);

  const load = async (after: string | null, signal?: AbortSignal) => {
    setState("loading");
    try {
      const query = after ? `?limit=100&cursor=${encodeURIComponent(after)}` : "?limit=100";
      const page = await apiRequest<Page<Tenant>>(
        { key: adminKey, tenantId: null },
        "GET",
        `/v1/tenants${query}`,
        undefined,
        signal,
      );
      setTenants((current) => (after ? [...current, ...page.data] : page.data));
      setCursor(page.next_cursor);
      setState("ready");
    } catch (caught) {
      if (signal?.aborted) return;
      setError(caught);
      setState("error");
    }
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: load the first page once per attempt.
  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [attempt]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const tenant = tenants.find((t) => t.id === chosen);
    if (tenant) onPick({ key: adminKey, admin: true, tenantId: tenant.id, tenantName: tenant.name });
  };

  return (
    <section className="card signin" aria-labelledby="picker-title">
      <h1 id="picker-title">Choose a tenant</h1>
      <p className="muted">
        You signed in with the admin key. Pick the law firm to work on; the dashboard then acts for it with
        the <code>Switchboard-Tenant</code> header.
      </p>
      {state === "error" && (
        <ErrorState title="Could not list tenants" error={error} onRetry={() => setAttempt((a) => a + 1)} />
      )}
      {state === "loading" && tenants.length === 0 && <Loading label="Loading tenants…" />}
      {state !== "error" && state !== "loading" && tenants.length === 0 && (
        <Empty title="No tenants yet">
          <p>
            Create one with <code>POST /v1/tenants</code> (see the README's walkthrough), then reload.
          </p>
        </Empty>
      )}
      {tenants.length > 0 && (
        <form onSubmit={submit}>
          <fieldset className="tenant-list">
            <legend>Tenants</legend>
            {tenants.map((tenant) => (
              <label key={tenant.id} className="choice">
                <input
                  type="radio"
                  name="tenant"
                  value={tenant.id}
                  checked={chosen === tenant.id}
                  onChange={() => setChosen(tenant.id)}
                />
                <span>
                  {tenant.name} <span className="muted mono">{tenant.id}</span>
                </span>
              </label>
            ))}
          </fieldset>
          {cursor && (
            <button
              type="button"
              className="button"
              onClick={() => load(cursor)}
              disabled={state === "loading"}
            >
              {state === "loading" ? "Loading…" : "Load more tenants"}
            </button>
          )}
          <div className="actions">
            <button type="submit" className="button button-primary" disabled={!chosen}>
              Continue
            </button>
            <button type="button" className="button button-quiet" onClick={onCancel}>
              Use a different key
            </button>
          </div>
        </form>
      )}
      {tenants.length === 0 && state !== "loading" && (
        <button type="button" className="button button-quiet" onClick={onCancel}>
          Use a different key
        </button>
      )}
    </section>
  );
}
