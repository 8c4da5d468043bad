/**
 * Where a delivery target lives, from its id: the API names each resource by its id's prefix
 * (`wh_` webhooks, `dst_` destinations), so deliveries, which carry only the target's id, can
 * link back to its page.
 */
export function targetPath(id: string): string {
  if (id.startsWith("crm_")) return `/integrations/crm/${id}`;
  return id.startsWith("dst_") ? `/destinations/${id}` : `/webhooks/${id}`;
}

/** The target's API resource (`/v1/webhooks/wh_…`, `/v1/destinations/dst_…`). */
export const targetApi = (id: string): string =>
  id.startsWith("crm_") ? `/v1/crm/connections/${id}` : `/v1${targetPath(id)}`;
