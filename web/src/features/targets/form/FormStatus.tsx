/** The notices above a target's form: why it was not saved, or how many fields need attention. */
export function FormStatus({
  noun,
  formError,
  errorCount,
}: {
  /** What the form saves ("webhook", "destination"). */
  noun: string;
  formError: string | null;
  errorCount: number;
}) {
  return (
    <div id="form-status">
      {formError && (
        <div className="notice notice-error" role="alert">
          <div className="notice-body">
            <strong>The {noun} was not saved.</strong> {formError}
          </div>
        </div>
      )}
      {errorCount > 0 && (
        <div className="notice notice-error" role="alert">
          <div className="notice-body">
            <strong>
              {errorCount === 1 ? "One field needs attention" : `${errorCount} fields need attention`}.
            </strong>{" "}
            The message is next to the field.
          </div>
        </div>
      )}
    </div>
  );
}
