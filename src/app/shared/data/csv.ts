/** Bidirectional formatting controls (ALM, LRM, RLM, embeddings, overrides, isolates). */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** Text with its bidirectional controls removed, for places markup cannot isolate (CSV, tooltips). */
export function withoutBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/**
 * RFC 4180 field. Bidirectional controls are stripped first (a spreadsheet cell cannot isolate them, and
 * they could hide what follows), then a leading = + - @ (or tab, carriage return) is neutralised with an
 * apostrophe so a spreadsheet does not run the value as a formula (OWASP, "CSV Injection").
 */
export function csvField(raw: string): string {
  const value = withoutBidiControls(raw);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Lines of fields as a CSV document: CRLF line ends, a final line end. */
export function csvDocument(lines: readonly (readonly string[])[]): string {
  return `${lines.map((fields) => fields.map(csvField).join(',')).join('\r\n')}\r\n`;
}
