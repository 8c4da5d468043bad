import {
  FAKE_PERSON,
  type FakeOptions,
  namesFakePerson,
  startVendorFake,
  type VendorFake,
} from "./enrichment-fake.js";

/**
 * Trestle's Reverse Phone API as documented: `GET /3.2/phone?phone=…` with the key in
 * `x-api-key`; 200 with `is_valid`, `line_type`, `carrier` and `owners` (each with
 * `current_addresses`, `emails`, `alternate_phones`); errors `{error: {message}}`.
 */
export function startTrestleFake(options: FakeOptions = {}): Promise<VendorFake<{ api_key: string }>> {
  const credentials = { api_key: "trestle_test_key_0123456789" };
  return startVendorFake(
    {
      route: (req) => req.method === "GET" && req.url.pathname === "/3.2/phone",
      authorised: (req) => req.headers["x-api-key"] === credentials.api_key,
      answer(req, mode, matchAny) {
        if (mode === "malformed") return { status: 200, body: { id: "Phone.x", owners: "nobody" } };
        const phone = req.url.searchParams.get("phone") ?? "";
        if (phone === "") return { status: 400, body: { error: { message: "Missing Input: phone" } } };
        const base = {
          id: "Phone.3dbb6fef-a2df-4b08-cfe3-bc7128b6f5b4",
          phone_number: phone.replace(/\D/g, "").slice(-10),
          is_valid: true,
          activity_score: 87,
          country_calling_code: "1",
          country_code: "US",
          country_name: "United States",
          line_type: "Mobile",
          carrier: "T-Mobile USA",
          is_prepaid: false,
          is_commercial: false,
          warnings: [],
          error: null,
        };
        if (mode === "no_match" || !(matchAny || namesFakePerson([phone])))
          return { status: 200, body: { ...base, owners: [] } };
        const full = mode === "match";
        return {
          status: 200,
          body: {
            ...base,
            owners: [
              {
                id: "Person.6a0a5e27-0f1f-4b2c-8e0e-2c2b0f7c6f4e",
                name: `${FAKE_PERSON.first_name} ${FAKE_PERSON.last_name}`,
                firstname: FAKE_PERSON.first_name,
                middlename: null,
                lastname: FAKE_PERSON.last_name,
                alternate_names: [],
                age_range: "35-39",
                gender: "Female",
                type: "Person",
                industry: null,
                link_to_phone_start_date: "2019-03-01",
                current_addresses: full
                  ? [
                      {
                        id: "Location.1",
                        location_type: "Address",
                        street_line_1: FAKE_PERSON.street,
                        street_line_2: null,
                        city: FAKE_PERSON.city,
                        postal_code: FAKE_PERSON.postal_code,
                        zip4: "1234",
                        state_code: FAKE_PERSON.state,
                        country_code: "US",
                        lat_long: { latitude: 37.78, longitude: -122.41, accuracy: "RoofTop" },
                        is_active: true,
                        delivery_point: "SingleUnit",
                        link_to_person_start_date: "2019-03-01",
                      },
                    ]
                  : [],
                emails: full ? [FAKE_PERSON.email] : [],
                alternate_phones: [
                  { phone_number: FAKE_PERSON.second_phone.slice(2), line_type: "Landline" },
                ],
              },
            ],
          },
        };
      },
      error: (_status, message) => ({ error: { message } }),
    },
    credentials,
    options,
  );
}
