import {
  FAKE_PERSON,
  type FakeOptions,
  namesFakePerson,
  startVendorFake,
  type VendorFake,
} from "./enrichment-fake.js";

/**
 * EnformionGO's Contact Enrich as documented: `POST /Contact/Enrich` with headers
 * `galaxy-ap-name`, `galaxy-ap-password` and `galaxy-search-type: DevAPIContactEnrich`; the body
 * names at least two of name, phone, email and address. The answer's top match is `person`
 * (`name`, `age`, `addresses`, `phones`, `emails`) with `identityScore`; none → `person: null`.
 */
export function startEnformionFake(
  options: FakeOptions = {},
): Promise<VendorFake<{ ap_name: string; ap_password: string }>> {
  const credentials = { ap_name: "switchboard-test", ap_password: "enf_test_password_0123" };
  return startVendorFake(
    {
      route: (req) => req.method === "POST" && req.url.pathname === "/Contact/Enrich",
      authorised: (req) =>
        req.headers["galaxy-ap-name"] === credentials.ap_name &&
        req.headers["galaxy-ap-password"] === credentials.ap_password &&
        req.headers["galaxy-search-type"] === "DevAPIContactEnrich",
      answer(req, mode, matchAny) {
        if (mode === "malformed")
          return { status: 200, body: { person: "not a person", identityScore: "high" } };
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(req.body) as Record<string, unknown>;
        } catch {
          return { status: 400, body: enformionError("The request body is not JSON") };
        }
        const given = ["FirstName", "Phone", "Email", "Address"].filter((k) => body[k] !== undefined).length;
        if (given < 2) {
          return {
            status: 400,
            body: enformionError("At least two of Name, Phone, Email and Address are required"),
          };
        }
        const named =
          matchAny ||
          namesFakePerson([body.Phone as string, body.Email as string]) ||
          (String(body.FirstName).toLowerCase() === "maria" &&
            String(body.LastName).toLowerCase() === "delgado");
        const common = {
          pagination: { currentPageNumber: 1, resultsPerPage: 1, totalPages: 1 },
          requestType: "DevAPIContactEnrich",
          isError: false,
          error: { inputErrors: [], warnings: [] },
        };
        if (mode === "no_match" || !named)
          return {
            status: 200,
            body: { person: null, message: "No records found", identityScore: 0, ...common },
          };
        const full = mode === "match";
        return {
          status: 200,
          body: {
            person: {
              name: { firstName: FAKE_PERSON.first_name, middleName: "", lastName: FAKE_PERSON.last_name },
              age: "40",
              addresses: full
                ? [
                    {
                      street: FAKE_PERSON.street,
                      unit: "",
                      city: FAKE_PERSON.city,
                      state: FAKE_PERSON.state,
                      zip: FAKE_PERSON.postal_code,
                      firstReportedDate: "1/1/2019",
                      lastReportedDate: "11/1/2026",
                    },
                  ]
                : [],
              phones: [
                {
                  number: "(415) 555-0134",
                  type: "wireless",
                  isConnected: true,
                  firstReportedDate: "1/1/2019",
                  lastReportedDate: "11/1/2026",
                },
              ],
              emails: full ? [{ email: FAKE_PERSON.email, isValidated: true, isBusiness: false }] : [],
            },
            message: "",
            identityScore: full ? 94 : 71,
            ...common,
          },
        };
      },
      error: (status, message) => enformionError(message, status),
    },
    credentials,
    options,
  );
}

function enformionError(message: string, status = 400): Record<string, unknown> {
  return {
    person: null,
    message,
    isError: true,
    error: { code: status, message, inputErrors: [], warnings: [] },
  };
}
