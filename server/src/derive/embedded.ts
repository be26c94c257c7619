/**
 * The deriver inside the embedded server: every committed write names the patients it touched (the store's
 * commit listener), those patients are derived next, and a write's HTTP response waits for them
 * (`afterWrite`), so a client that posts a drug screen reads the new RiskAssessment and Flags at once.
 * Derived resources themselves (tagged `derived`) never trigger a derivation.
 */
import { isDerived } from '../../../clinical/index';
import type { SqliteRepository } from '../store/sqlite-repository';
import type { Clock } from './clock';
import { Deriver } from './deriver';
import { StoreDeriverSource } from './store-source';

export interface EmbeddedDeriver {
  readonly deriver: Deriver;
  /** For buildApp({ afterWrite }): resolves once the patients of every write so far are derived. */
  readonly afterWrite: () => Promise<void>;
  stop(): void;
}

export function attachDeriver(
  store: SqliteRepository,
  options: { clock?: Clock; onError?: (patientId: string, error: unknown) => void } = {},
): EmbeddedDeriver {
  const deriver = new Deriver(new StoreDeriverSource(store), options);
  const unsubscribe = store.onCommit((changes) => {
    const patients = new Set<string>();
    for (const change of changes) {
      if (change.resource && isDerived(change.resource)) continue;
      change.patients.forEach((p) => patients.add(p));
    }
    if (patients.size > 0) deriver.notify(patients);
  });
  return {
    deriver,
    afterWrite: () => deriver.settled(),
    stop() {
      unsubscribe();
      deriver.stop();
    },
  };
}
