import { useState } from "react";
import { errorMessage } from "../../api";
import { useSession } from "../../ui/hooks";

/**
 * Download links for a list as CSV or JSON lines. The export needs the API key, which a plain
 * link cannot send, so the file is fetched with it and handed to the browser as a download.
 */
export function ExportLinks({ object, query }: { object: "clients" | "cases"; query: URLSearchParams }) {
  const { session } = useSession();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const download = async (format: "csv" | "jsonl") => {
    setProblem(null);
    setBusy(true);
    const params = new URLSearchParams(query);
    params.set("format", format);
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${session.key}` };
      if (session.tenantId) headers["switchboard-tenant"] = session.tenantId;
      const response = await fetch(`/v1/${object}/export?${params}`, { headers });
      if (response.status === 404) throw new Error("This server cannot export yet.");
      if (!response.ok) throw new Error(`The export failed (HTTP ${response.status}).`);
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = `${object}.${format}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      setProblem(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <span className="inline">
      <button type="button" className="button" disabled={busy} onClick={() => download("csv")}>
        Export CSV
      </button>
      <button type="button" className="button" disabled={busy} onClick={() => download("jsonl")}>
        Export JSONL
      </button>
      {problem && (
        <span className="field-error" role="alert">
          {problem}
        </span>
      )}
    </span>
  );
}
