import type { OperationOutcome } from '@medplum/fhirtypes';

/** What a view's last request is doing (the flights42 call state). */
export type CallState = 'idle' | 'loading' | 'loaded' | { readonly error: OperationOutcome };

export function callStateError(callState: CallState): OperationOutcome | null {
  return typeof callState === 'object' ? callState.error : null;
}
