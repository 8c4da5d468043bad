/**
 * Whether an uploaded file is text we can read. Imports are UTF-8; a spreadsheet saved as
 * "Unicode text" is UTF-16, and one saved in a legacy code page is not valid UTF-8 — both would
 * otherwise import as mojibake, so they are refused with a message that says how to fix the file.
 * Pure.
 */

export type Decoded = { ok: true; text: string } | { ok: false; message: string };

const SAVE_AS = "save the file as UTF-8 (CSV UTF-8 in Excel) and upload it again";

/** The bytes of an upload as text, without a UTF-8 byte-order mark. */
export function decodeUpload(bytes: Uint8Array): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { ok: false, message: `the file is UTF-16; ${SAVE_AS}` };
  }
  if (looksLikeUtf16(bytes)) return { ok: false, message: `the file looks like UTF-16; ${SAVE_AS}` };
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return { ok: false, message: `the file is not valid UTF-8; ${SAVE_AS}` };
  }
  return checkText(text);
}

/**
 * File text that arrived inside JSON. The JSON parser has already decoded it, so a bad encoding
 * shows as replacement characters (bytes that were not UTF-8) or NULs (UTF-16 read as 8-bit).
 */
export function checkText(text: string): Decoded {
  if (text.includes("\u0000"))
    return { ok: false, message: `the file contains NUL characters (UTF-16?); ${SAVE_AS}` };
  if (text.includes("\uFFFD")) {
    return {
      ok: false,
      message: `the file is not valid UTF-8 (it contains replacement characters); ${SAVE_AS}`,
    };
  }
  return { ok: true, text: text.startsWith("\uFEFF") ? text.slice(1) : text };
}

/** ASCII text in UTF-16 without a byte-order mark: every other byte of the first ones is zero. */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const sample = Math.min(bytes.length, 512);
  if (sample < 4) return false;
  let zeros = 0;
  for (let i = 0; i < sample; i++) if (bytes[i] === 0) zeros++;
  return zeros >= sample / 4;
}
