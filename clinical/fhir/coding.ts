import type { CodeableConcept, Coding } from '@medplum/fhirtypes';

/** Every coding of one or more CodeableConcepts. */
export function codingsOf(concepts: CodeableConcept | readonly CodeableConcept[] | undefined): Coding[] {
  if (!concepts) return [];
  const list = Array.isArray(concepts) ? concepts : [concepts as CodeableConcept];
  return list.flatMap((c) => c.coding ?? []);
}

/** True if any coding has this system (when given) and code. */
export function hasCoding(
  concepts: CodeableConcept | readonly CodeableConcept[] | undefined,
  system: string | undefined,
  code: string,
): boolean {
  return codingsOf(concepts).some((c) => c.code === code && (system === undefined || c.system === system));
}

/** The codes of the codings of a given system (or all systems). */
export function codesOf(
  concepts: CodeableConcept | readonly CodeableConcept[] | undefined,
  system?: string,
): string[] {
  return codingsOf(concepts)
    .filter((c) => c.code !== undefined && (system === undefined || c.system === system))
    .map((c) => c.code as string);
}
