import { STALE_MESSAGE } from "./form-errors";

/** Shown when a save answered 412: somebody else wrote the record after this form read it. */
export function StaleNotice({ onReload }: { onReload(): void }) {
  return (
    <div className="notice notice-error" role="alert">
      <div className="notice-body">
        <strong>Not saved.</strong> {STALE_MESSAGE}
      </div>
      <button type="button" className="button button-small" onClick={onReload}>
        Reload
      </button>
    </div>
  );
}
