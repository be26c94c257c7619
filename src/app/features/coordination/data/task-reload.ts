import type { Task } from '@medplum/fhirtypes';
import type { Store } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';

import type { FhirClient } from '../../../core/fhir/fhir-client';
import { isFhirError, outcomeMessage } from '../../../core/fhir/operation-outcome';
import { ResourcesActions } from '../../../core/state/resources/resources.feature';

/**
 * After a save refused for a version conflict (409/412): the Task as the server has it now, also put in the store,
 * for the conflict dialog to compare with mine — or, when it cannot be read, the message to show (nothing typed is
 * lost either way).
 */
export async function reloadTask(
  fhir: FhirClient,
  store: Store,
  id: string,
): Promise<{ readonly theirs: Task } | { readonly problem: string }> {
  try {
    const theirs = await firstValueFrom(fhir.read('Task', id));
    store.dispatch(ResourcesActions.received({ resources: [theirs] }));
    return { theirs };
  } catch (error) {
    return {
      problem: `The task changed on the server and could not be read again: ${isFhirError(error) ? outcomeMessage(error.outcome) : 'the request failed'}`,
    };
  }
}
