import {
  FAKE_PERSON,
  type FakeOptions,
  namesFakePerson,
  startVendorFake,
  type VendorFake,
} from "./enrichment-fake.js";

/**
 * People Data Labs' person enrichment API as documented: `GET /v5/person/enrich` with the key in
 * `X-Api-Key` (or `api_key`); 200 `{status, likelihood, data}` on a match, 404 `{status, error:
 * {type: "not_found", message}}` otherwise; errors `{status, error: {type, message}}`.
 */
export function startPdlFake(options: FakeOptions = {}): Promise<VendorFake<{ api_key: string }>> {
  const credentials = { api_key: "pdl_test_key_0123456789" };
  return startVendorFake(
    {
      route: (req) => req.method === "GET" && req.url.pathname === "/v5/person/enrich",
      authorised: (req) =>
        (req.headers["x-api-key"] ?? req.url.searchParams.get("api_key")) === credentials.api_key,
      answer(req, mode, matchAny) {
        if (mode === "malformed") return { status: 200, body: "<html>upstream error</html>" };
        const q = req.url.searchParams;
        const named =
          matchAny ||
          namesFakePerson([q.get("phone"), q.get("email")]) ||
          (q.get("first_name")?.toLowerCase() === "maria" && q.get("last_name")?.toLowerCase() === "delgado");
        if (mode === "no_match" || !named) {
          return {
            status: 404,
            body: {
              status: 404,
              error: { type: "not_found", message: "No records were found matching your request" },
            },
          };
        }
        const full = mode === "match";
        return {
          status: 200,
          body: {
            status: 200,
            likelihood: full ? 9 : 6,
            data: {
              full_name: `${FAKE_PERSON.first_name} ${FAKE_PERSON.last_name}`.toLowerCase(),
              first_name: FAKE_PERSON.first_name,
              last_name: FAKE_PERSON.last_name,
              sex: FAKE_PERSON.gender,
              birth_date: full ? FAKE_PERSON.date_of_birth : null,
              mobile_phone: FAKE_PERSON.phone,
              phone_numbers: [FAKE_PERSON.phone, FAKE_PERSON.second_phone],
              emails: full ? [{ address: FAKE_PERSON.email, type: "personal" }] : [],
              personal_emails: full ? [FAKE_PERSON.email] : [],
              // A field outside the plan comes back as a boolean, not a value.
              work_email: true,
              location_street_address: full ? FAKE_PERSON.street : null,
              location_locality: FAKE_PERSON.city,
              location_region: "california",
              location_postal_code: full ? FAKE_PERSON.postal_code : null,
            },
          },
        };
      },
      error: (status, message) => ({
        status,
        error: {
          type:
            status === 401
              ? "authentication_error"
              : status === 429
                ? "rate_limit_error"
                : status === 404
                  ? "not_found"
                  : "server_error",
          message,
        },
      }),
    },
    credentials,
    options,
  );
}
