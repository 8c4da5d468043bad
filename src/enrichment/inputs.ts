import type { LookupInput } from "../domain/enrichment/types.js";
import type { ClientRecord } from "../store/index.js";

/** What enrichment can look a client up by: their first phone, email, name and address. */
export function inputOf(client: ClientRecord): LookupInput {
  const input: LookupInput = {};
  const phone = client.phones[0]?.number;
  if (phone) input.phone = phone;
  const email = client.emails[0];
  if (email) input.email = email;
  if (client.first_name) input.first_name = client.first_name;
  if (client.last_name) input.last_name = client.last_name;
  const address = client.addresses[0];
  if (address) input.address = { ...address };
  return input;
}
