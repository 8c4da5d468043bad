import { ApiError, errorMessage } from "../../api";

/** Why a settings save failed (409 `in_use` names what still uses the entry), or that it worked. */
export function SaveStatus({ error, saved }: { error: unknown; saved: boolean }) {
  if (error) {
    const inUse = error instanceof ApiError && error.status === 409;
    const details = error instanceof ApiError ? error.details : undefined;
    return (
      <div className="notice notice-error" role="alert">
        <div className="notice-body">
          <strong>{inUse ? "Still in use — not saved." : "Not saved."}</strong> {errorMessage(error)}
          {details && Object.keys(details).length > 0 && (
            <ul>
              {Object.entries(details).map(([key, value]) => (
                <li key={key}>
                  {key}: <code>{typeof value === "string" ? value : JSON.stringify(value)}</code>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    );
  }
  if (saved)
    return (
      <div className="notice notice-success" role="status">
        <div className="notice-body">Saved.</div>
      </div>
    );
  return null;
}
