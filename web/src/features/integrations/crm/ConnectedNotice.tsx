import { useState } from "react";
import { ErrorState, Loading, Notice } from "../../../ui/elements";
import { useApi, useResource } from "../../../ui/hooks";
import type { CrmConnection, CrmProvider } from "./types";

/**
 * Right after connecting (`?connected=1`: the OAuth callback, or the token form), the account the
 * CRM says the credentials belong to — one connection test — or the CRM's refusal in its words.
 */
export function ConnectedNotice({
  connection,
  provider,
}: {
  connection: CrmConnection;
  provider: CrmProvider;
}) {
  const call = useApi();
  const [shown, setShown] = useState(true);
  const [test, retry] = useResource(`crm-connected:${connection.id}`, (signal) =>
    call<{ ok: true; account: string | null }>(
      "POST",
      `/v1/crm/connections/${connection.id}/test`,
      undefined,
      signal,
    ),
  );
  if (!shown) return null;
  if (test.state === "error")
    return (
      <ErrorState title={`${provider.label} refused the connection`} error={test.error} onRetry={retry} />
    );
  if (!test.data) return <Loading label={`Checking the ${provider.label} account…`} />;
  return (
    <Notice kind="success" onDismiss={() => setShown(false)}>
      <p>
        Connected to {provider.label}
        {test.data.account ? (
          <>
            {" "}
            as <strong data-testid="crm-account">{test.data.account}</strong>
          </>
        ) : null}
        .
      </p>
    </Notice>
  );
}
