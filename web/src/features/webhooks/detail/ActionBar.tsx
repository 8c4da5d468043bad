/** The webhook page's header actions: edit, and enable or disable. */
import type { Webhook } from "../../../api";
import { Link } from "../../../router";
import { EnableToggle } from "../../targets/detail/EnableToggle";

export function ActionBar({ webhook, onChange }: { webhook: Webhook; onChange: (w: Webhook) => void }) {
  return (
    <div className="actions">
      <Link className="button" href={`/webhooks/${webhook.id}/edit`}>
        Edit
      </Link>
      <EnableToggle target={webhook} onChange={onChange} />
    </div>
  );
}
