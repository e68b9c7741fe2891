/** Letters and digits that cannot be mistaken for each other when read aloud or typed (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V). */
export const CONFIRMATION_ALPHABET = "34679ACDEFGHJKMNPQRTWXY";

/** A new confirmation code such as `K7QX-9MDA`: 8 characters from CONFIRMATION_ALPHABET (~36 bits), grouped by 4. */
export function newConfirmationCode(): string {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const [i, b] of bytes.entries()) {
    // Rejection-free but near-uniform: 256 = 11 × 23 + 3, a negligible bias for an id that is also checked unique.
    out += CONFIRMATION_ALPHABET[b % CONFIRMATION_ALPHABET.length];
    if (i === 3) out += "-";
  }
  return out;
}

/** A code as a person may type it (lower case, spaces, without the dash) in the stored form, or null if it cannot be one. */
export function normalizeConfirmationCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, "");
  if (s.length !== 8 || [...s].some((ch) => !CONFIRMATION_ALPHABET.includes(ch))) return null;
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** A new ticket code such as `K7QX-9MDA-3FHT`: 12 characters from CONFIRMATION_ALPHABET (~54 bits), grouped by 4. */
export function newTicketCode(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  let out = "";
  for (const [i, b] of bytes.entries()) {
    out += CONFIRMATION_ALPHABET[b % CONFIRMATION_ALPHABET.length];
    if (i === 3 || i === 7) out += "-";
  }
  return out;
}

/** A ticket code as a person may type or a scanner may read it, in the stored form (`K7QX-9MDA-3FHT`), or null if it cannot be one. */
export function normalizeTicketCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, "");
  if (s.length !== 12 || [...s].some((ch) => !CONFIRMATION_ALPHABET.includes(ch))) return null;
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}
