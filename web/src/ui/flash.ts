/** A message carried to the next page (e.g. "created", with the new secret shown once). */
export interface Flash {
  /** The page it is for (a webhook id). */
  for: string;
  kind: "success" | "info";
  message: string;
  secret?: string;
}

let pending: Flash | null = null;

export function setFlash(flash: Flash): void {
  pending = flash;
}

/** The flash for this page, if any (read during render; call {@link clearFlash} after mount). */
export function peekFlash(target: string): Flash | null {
  return pending?.for === target ? pending : null;
}

export function clearFlash(target: string): void {
  if (pending?.for === target) pending = null;
}
