/**
 * CSV for guest lists: an RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF) and a
 * writer that neutralises spreadsheet formulas (a cell starting with = + - @ tab or CR gets a
 * leading `'`, OWASP's advice against CSV injection).
 */

/** The rows of `text`, each a list of cells; null with the line number when a quote is left open. */
export function parseCsv(text: string): { rows: string[][] } | { unterminatedAt: number } {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let quoteLine = 0;
  const s = text.startsWith("\uFEFF") ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === "") {
      quoted = true;
      quoteLine = line;
    } else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && s[i + 1] === "\n") i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      line++;
    } else cell += ch;
  }
  if (quoted) return { unterminatedAt: quoteLine };
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return { rows };
}

const FORMULA = /^[=+\-@\t\r]/;

/**
 * A cell as the writer meant it: the `'` it put before a value that would start a formula comes
 * off again (one, and only before those characters), so an exported file imports as it was.
 */
export function unescapeCell(value: string): string {
  return value.startsWith("'") && FORMULA.test(value.slice(1)) ? value.slice(1) : value;
}

function cell(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}
