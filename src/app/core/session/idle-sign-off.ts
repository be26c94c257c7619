import {
  DestroyRef,
  type EnvironmentProviders,
  inject,
  Injector,
  makeEnvironmentProviders,
  provideAppInitializer,
} from '@angular/core';
import { Store } from '@ngrx/store';
import { filter } from 'rxjs';

import { APP_CONFIG } from '../config/waypoint-config';
import { selectSignedIn } from '../state/session/session.feature';

/**
 * Automatic sign-out after inactivity (IdleMonitor): loaded and started once someone has signed in,
 * so its code and its dialog's stay out of the initial bundle and never load in the sign-in popup.
 * A failed load is tried again at the next sign-in.
 */
export function provideIdleSignOff(): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideAppInitializer(() => {
      if (inject(APP_CONFIG).signIn !== 'smart') {
        return;
      }
      const injector = inject(Injector);
      let started = false;
      const subscription = inject(Store)
        .select(selectSignedIn)
        .pipe(filter((signedIn) => signedIn && !started))
        .subscribe(() => {
          started = true;
          import('./idle-monitor')
            .then(({ IdleMonitor }) => injector.get(IdleMonitor).start())
            .catch((error: unknown) => {
              started = false;
              console.error('The automatic sign-out after inactivity could not start', error);
            });
        });
      inject(DestroyRef).onDestroy(() => subscription.unsubscribe());
    }),
  ]);
}
