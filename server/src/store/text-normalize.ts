// Normalization for string search: case-insensitive and accent-insensitive, per FHIR R4 string search.

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lower-cases and strips diacritics ("Zoë Müller" → "zoe muller"); collapses inner whitespace. */
export function normalizeText(value: string): string {
  return value.normalize('NFD').replace(COMBINING_MARKS, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Escapes % and _ (and the escape char \) for a SQL LIKE pattern used with ESCAPE '\'. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => '\\' + c);
}
