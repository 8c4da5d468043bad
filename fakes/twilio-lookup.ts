import {
  FAKE_PERSON,
  type FakeOptions,
  namesFakePerson,
  startVendorFake,
  type VendorFake,
} from "./enrichment-fake.js";

/**
 * Twilio Lookup v2 as documented: `GET /v2/PhoneNumbers/{number}?Fields=line_type_intelligence,
 * caller_name` with HTTP basic auth (Account SID : Auth Token); each requested package comes back
 * as an object (null when not requested); errors `{code, message, more_info, status}` (20003
 * Authenticate, 20429 Too Many Requests).
 */
export function startTwilioLookupFake(
  options: FakeOptions = {},
): Promise<VendorFake<{ account_sid: string; auth_token: string }>> {
  const credentials = {
    account_sid: "AC0123456789abcdef0123456789abcdef",
    auth_token: "twilio_test_token_0123",
  };
  const expected = `Basic ${Buffer.from(`${credentials.account_sid}:${credentials.auth_token}`).toString("base64")}`;
  return startVendorFake(
    {
      route: (req) => req.method === "GET" && req.url.pathname.startsWith("/v2/PhoneNumbers/"),
      authorised: (req) => req.headers.authorization === expected,
      answer(req, mode, matchAny) {
        if (mode === "malformed") return { status: 200, body: { sid: 42 } };
        const number = decodeURIComponent(req.url.pathname.slice("/v2/PhoneNumbers/".length));
        const fields = (req.url.searchParams.get("Fields") ?? "").split(",");
        const known = mode !== "no_match" && (matchAny || namesFakePerson([number]));
        return {
          status: 200,
          body: {
            calling_country_code: "1",
            country_code: "US",
            phone_number: number,
            national_format: "(415) 555-0134",
            valid: /^\+[1-9]\d{6,14}$/.test(number),
            validation_errors: [],
            caller_name: fields.includes("caller_name")
              ? known && mode === "match"
                ? {
                    caller_name: `${FAKE_PERSON.first_name.toUpperCase()} ${FAKE_PERSON.last_name.toUpperCase()}`,
                    caller_type: "CONSUMER",
                    error_code: null,
                  }
                : { caller_name: null, caller_type: null, error_code: null }
              : null,
            line_type_intelligence: fields.includes("line_type_intelligence")
              ? known
                ? {
                    carrier_name: "T-Mobile USA, Inc.",
                    error_code: null,
                    mobile_country_code: "310",
                    mobile_network_code: "160",
                    type: "mobile",
                  }
                : {
                    carrier_name: null,
                    error_code: 60600,
                    mobile_country_code: null,
                    mobile_network_code: null,
                    type: null,
                  }
              : null,
            sim_swap: null,
            call_forwarding: null,
            line_status: null,
            identity_match: null,
            reassigned_number: null,
            sms_pumping_risk: null,
            phone_number_quality_score: null,
            pre_fill: null,
            url: `https://lookups.twilio.com/v2/PhoneNumbers/${number}`,
          },
        };
      },
      error: (status, message) => ({
        code: status === 401 ? 20003 : status === 429 ? 20429 : status === 404 ? 20404 : 20500,
        message: status === 401 ? "Authenticate" : message,
        more_info: `https://www.twilio.com/docs/errors/${status === 401 ? 20003 : 20429}`,
        status,
      }),
    },
    credentials,
    options,
  );
}
