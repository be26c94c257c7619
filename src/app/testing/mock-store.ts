import { DestroyRef, type EnvironmentProviders, inject, provideEnvironmentInitializer } from '@angular/core';
import { MockStore, type MockStoreConfig, provideMockStore } from '@ngrx/store/testing';

/**
 * `provideMockStore` that undoes its selector overrides when the test's injector is destroyed.
 *
 * MockStore overrides a selector by setting a result on the memoized selector itself — a module-level object shared
 * by every spec — and keeps it until `resetSelectors()`. Without the reset, a spec run later (specs run in random
 * order) that uses the real store still reads the override: a coordinator's session then answered as
 * "Casey, counselor" from a caseload spec.
 */
export function provideMockStoreForSpec<T>(
  config?: MockStoreConfig<T>,
): (ReturnType<typeof provideMockStore>[number] | EnvironmentProviders)[] {
  return [
    ...provideMockStore(config),
    provideEnvironmentInitializer(() => {
      const store = inject(MockStore);
      inject(DestroyRef).onDestroy(() => store.resetSelectors());
    }),
  ];
}
