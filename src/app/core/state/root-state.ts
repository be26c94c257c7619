import { type EnvironmentProviders, makeEnvironmentProviders } from '@angular/core';
import { provideEffects } from '@ngrx/effects';
import { provideRouterStore, routerReducer } from '@ngrx/router-store';
import { type ActionReducer, type MetaReducer, provideStore } from '@ngrx/store';
import { provideStoreDevtools } from '@ngrx/store-devtools';

import { resourcesFeature } from './resources/resources.feature';
import { ROUTER_FEATURE_KEY, WaypointRouterSerializer } from './router-state';
import { AuthActions } from './session/session.actions';
import { sessionFeature } from './session/session.feature';

const SIGN_OUT_TYPES = new Set<string>([AuthActions.signedOut.type, AuthActions.signedOutForInactivity.type]);

/**
 * Sign-out, by the user or for inactivity, forgets everything the store holds (patient data
 * included): every slice but the router goes back to its initial state, including lazily registered
 * feature slices. (Unsaved drafts live in the DraftStore, not here.)
 */
export function clearOnSignOut(
  reducer: ActionReducer<Record<string, unknown>>,
): ActionReducer<Record<string, unknown>> {
  return (state, action) => {
    if (SIGN_OUT_TYPES.has(action.type) && state) {
      return reducer({ [ROUTER_FEATURE_KEY]: state[ROUTER_FEATURE_KEY] }, action);
    }
    return reducer(state, action);
  };
}

export const metaReducers: MetaReducer[] = [clearOnSignOut as MetaReducer];

export function provideRootState(): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideStore(
      {
        [ROUTER_FEATURE_KEY]: routerReducer,
        [sessionFeature.name]: sessionFeature.reducer,
        [resourcesFeature.name]: resourcesFeature.reducer,
      },
      {
        metaReducers,
        runtimeChecks: {
          strictStateImmutability: true,
          strictActionImmutability: true,
          strictStateSerializability: true,
          strictActionSerializability: true,
          strictActionTypeUniqueness: true,
          // Zoneless: there is no NgZone to be inside of.
          strictActionWithinNgZone: false,
        },
      },
    ),
    provideRouterStore({ serializer: WaypointRouterSerializer }),
    provideEffects(),
    // Compiled out of production builds (ngDevMode is false there), unlike isDevMode().
    typeof ngDevMode === 'undefined' || ngDevMode
      ? provideStoreDevtools({ maxAge: 50, name: 'Waypoint', trace: false, connectInZone: false })
      : [],
  ]);
}
