// The HTTP `Prefer` header (RFC 7240) as FHIR uses it: return=minimal|representation|OperationOutcome,
// handling=strict|lenient.

export interface FhirPreferences {
  readonly return?: 'minimal' | 'representation' | 'OperationOutcome';
  readonly handling?: 'strict' | 'lenient';
}

export function parsePrefer(header: string | string[] | undefined): FhirPreferences {
  const values = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(/[,;]/);
  const prefs: { return?: FhirPreferences['return']; handling?: FhirPreferences['handling'] } = {};
  for (const raw of values) {
    const [key, value] = raw.split('=').map((s) => s.trim().replace(/^"|"$/g, ''));
    if (
      key === 'return' &&
      (value === 'minimal' || value === 'representation' || value === 'OperationOutcome')
    ) {
      prefs.return = value;
    } else if (key === 'handling' && (value === 'strict' || value === 'lenient')) {
      prefs.handling = value;
    }
  }
  return prefs;
}
