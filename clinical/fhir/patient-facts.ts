import type { Extension, HumanName, Patient } from '@medplum/fhirtypes';

import { EXTENSION } from '../terminology';
import { ageInYears, type AsOf, asOfMillis } from './fhir-date';

/** Shown when a patient has no usable name (blank or missing): never an empty cell. */
export const UNNAMED_PATIENT = '(no name recorded)';

function nameText(name: HumanName): string {
  const text = name.text?.trim();
  if (text) return text;
  return [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? '', ...(name.suffix ?? [])]
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .join(' ');
}

/** The patient's display name: the usual (preferred) name, else official, else any current one. */
export function patientName(patient: Patient): string {
  const names = (patient.name ?? []).filter((n) => n.use !== 'old');
  const ordered = [
    ...names.filter((n) => n.use === 'usual'),
    ...names.filter((n) => n.use === 'official'),
    ...names,
  ];
  for (const n of ordered) {
    const text = nameText(n);
    if (text) return text;
  }
  return UNNAMED_PATIENT;
}

/** Age in whole years as of a date (the birthday itself counts); undefined without a birth date. */
export function patientAge(patient: Patient, asOf: AsOf): number | undefined {
  return ageInYears(patient.birthDate, asOfMillis(asOf));
}

function extensionText(ext: Extension): string | undefined {
  const direct =
    ext.valueString ??
    ext.valueCodeableConcept?.text ??
    ext.valueCodeableConcept?.coding?.find((c) => c.display)?.display;
  if (direct?.trim()) return direct.trim();
  // R5 backport form: complex extension with a "value" sub-extension.
  const inner = (ext.extension ?? []).find((e) => e.url === 'value');
  return inner ? extensionText(inner) : undefined;
}

/** Pronouns if recorded (individual-pronouns extension: valueString, CodeableConcept or complex form). */
export function patientPronouns(patient: Patient): string | undefined {
  for (const ext of patient.extension ?? []) {
    if (ext.url !== EXTENSION.pronouns) continue;
    const text = extensionText(ext);
    if (text) return text;
  }
  return undefined;
}
