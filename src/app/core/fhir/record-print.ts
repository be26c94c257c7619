import { firstValueFrom } from 'rxjs';

import type { FhirClient } from './fhir-client';
import { isFhirError, outcomeMessage } from './operation-outcome';

/**
 * Printing a patient's record is an export of it (42 CFR 2.32's notice goes on the paper): the server records it
 * (`POST Patient/[id]/$record-export`, medium print, an AuditEvent) before the print dialog opens, and when it
 * cannot, nothing is printed. Resolves with the message to show, or null once the dialog has opened.
 */
export async function printRecord(
  fhir: FhirClient,
  view: Pick<Window, 'print'> | null,
  patientId: string,
  what: string,
  headers: Readonly<Record<string, string>> = {},
): Promise<string | null> {
  try {
    await firstValueFrom(recordPrint(fhir, patientId, headers));
  } catch (error) {
    return `The ${what} was not printed: the export could not be recorded (${isFhirError(error) ? outcomeMessage(error.outcome) : 'failed'}).`;
  }
  view?.print();
  return null;
}

/** The server's record of a print of the patient's record (the request only). */
export function recordPrint(
  fhir: FhirClient,
  patientId: string,
  headers: Readonly<Record<string, string>> = {},
) {
  return fhir.instanceOperation(
    'Patient',
    patientId,
    'record-export',
    { resourceType: 'Parameters', parameter: [{ name: 'medium', valueCode: 'print' }] },
    headers,
  );
}
