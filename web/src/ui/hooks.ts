import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { allows, PORTAL_SCOPES } from "../../../src/domain/scopes.js";
import { type ApiError, apiRequest, isAbort, type Session } from "../api";

export interface SessionContextValue {
  session: Session;
  /** Signs out (optionally with a message shown on the sign-in screen). */
  signOut(message?: string): void;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside a signed-in page");
  return value;
}

/**
 * Whether this session may do what `scope` covers (`deliveries:write`), to leave out controls it
 * would only be refused: a portal session has the portal's scopes; keys are left to the server.
 */
export function useAllows(scope: string): boolean {
  const { session } = useSession();
  return !session.portal || allows(PORTAL_SCOPES, scope);
}

export type Call = <T>(
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  headers?: Record<string, string>,
) => Promise<T>;

/** API calls with this session's key; a 401 (key revoked meanwhile) signs out with a message. */
export function useApi(): Call {
  const { session, signOut } = useSession();
  return useCallback(
    async <T>(
      method: string,
      path: string,
      body?: unknown,
      signal?: AbortSignal,
      headers?: Record<string, string>,
    ): Promise<T> => {
      try {
        return await apiRequest<T>(session, method, path, body, signal, headers);
      } catch (error) {
        if ((error as ApiError).status === 401) signOut("Your API key is no longer accepted. Sign in again.");
        throw error;
      }
    },
    [session, signOut],
  );
}

export type Resource<T> =
  | { state: "loading"; data: T | null; error: null }
  | { state: "ready"; data: T; error: null }
  | { state: "error"; data: T | null; error: unknown };

/**
 * Loads data when `key` changes; `reload()` fetches again (keeping the old data on screen while
 * it loads). Answers of superseded loads are dropped.
 */
export function useResource<T>(
  key: string,
  load: (signal: AbortSignal) => Promise<T>,
): [Resource<T>, () => void, (data: T) => void] {
  const [resource, setResource] = useState<Resource<T>>({ state: "loading", data: null, error: null });
  const [generation, setGeneration] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload on key and generation only.
  useEffect(() => {
    const controller = new AbortController();
    setResource((current) => ({ state: "loading", data: current.data, error: null }));
    loadRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setResource({ state: "ready", data, error: null });
      },
      (error: unknown) => {
        if (controller.signal.aborted || isAbort(error)) return;
        setResource((current) => ({ state: "error", data: current.data, error }));
      },
    );
    return () => controller.abort();
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const replace = useCallback((data: T) => setResource({ state: "ready", data, error: null }), []);
  return [resource, reload, replace];
}
