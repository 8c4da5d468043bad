import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js";

/** Where a number written without a country code is assumed to be when the firm's country is unknown. */
export const DEFAULT_PHONE_REGION: CountryCode = "US";

/** The region to read national numbers in: a supported ISO country code, else the US. */
export function phoneRegion(country: string | null | undefined): CountryCode {
  const code = country?.toUpperCase();
  return code && isSupportedCountry(code) ? code : DEFAULT_PHONE_REGION;
}

/**
 * A phone number as written by a person or a CRM ("(312) 555-0187", "312.555.0187",
 * "+1 312 555 0187", "0044 20 7946 0958") in E.164, or null when it is not a valid number.
 * "00" is the international prefix most of the world dials, so it is read as "+".
 */
export function toE164(input: string, region: CountryCode): string | null {
  const trimmed = input.trim();
  const text = trimmed.startsWith("00") ? `+${trimmed.slice(2)}` : trimmed;
  const parsed = parsePhoneNumberFromString(text, region);
  return parsed?.isValid() ? parsed.number : null;
}
