/** "Signing secret": reveal, copy and rotate the webhook's signing secret. */
import { useState } from "react";
import { errorMessage, type SecretAnswer, type Webhook } from "../../../api";
import { CopyButton } from "../../../ui/elements";
import { formatTime } from "../../../ui/format";
import { useApi } from "../../../ui/hooks";

export function SecretPanel({ webhook, onRotated }: { webhook: Webhook; onRotated: () => void }) {
  const call = useApi();
  const [secret, setSecret] = useState<SecretAnswer | null>(null);
  const [busy, setBusy] = useState<"reveal" | "rotate" | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rotated, setRotated] = useState<string | null>(null);

  const reveal = async () => {
    setBusy("reveal");
    setError(null);
    try {
      setSecret(await call<SecretAnswer>("GET", `/v1/webhooks/${webhook.id}/secret`));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };
  const rotate = async () => {
    setBusy("rotate");
    setError(null);
    try {
      const answer = await call<{ secret: string; previous_secret_expires_at: string }>(
        "POST",
        `/v1/webhooks/${webhook.id}/rotate-secret`,
      );
      setConfirming(false);
      setRotated(answer.previous_secret_expires_at);
      onRotated();
      setSecret({
        secret: answer.secret,
        previous_secret: null,
        previous_secret_expires_at: answer.previous_secret_expires_at,
      });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-labelledby="secret-title">
      <h2 id="secret-title">Signing secret</h2>
      <p className="muted">
        Receivers verify <code>webhook-signature</code> with it (Standard Webhooks).
      </p>
      {secret ? (
        <div className="secret">
          <div className="secret-line">
            <code data-testid="secret-value">{secret.secret}</code>
          </div>
          <div className="actions">
            <CopyButton text={secret.secret} />
            <button
              type="button"
              className="button button-small button-quiet"
              onClick={() => setSecret(null)}
            >
              Hide
            </button>
          </div>
          {secret.previous_secret_expires_at && (
            <p className="hint">
              The previous secret keeps signing too until {formatTime(secret.previous_secret_expires_at)}.
            </p>
          )}
        </div>
      ) : (
        <button type="button" className="button" onClick={reveal} disabled={busy !== null}>
          {busy === "reveal" ? "Revealing…" : "Reveal secret"}
        </button>
      )}
      <div className="subsection" aria-live="polite">
        {rotated && (
          <p className="result result-ok" role="status">
            Secret rotated. The old secret keeps signing until {formatTime(rotated)}.
          </p>
        )}
        {confirming ? (
          <div className="confirm">
            <p>Rotate the secret? Deliveries carry both signatures for 24 hours, so receivers can switch.</p>
            <div className="actions">
              <button
                type="button"
                className="button button-danger"
                onClick={rotate}
                disabled={busy !== null}
              >
                {busy === "rotate" ? "Rotating…" : "Yes, rotate"}
              </button>
              <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            className="button"
            onClick={() => setConfirming(true)}
            disabled={busy !== null}
          >
            Rotate secret
          </button>
        )}
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
