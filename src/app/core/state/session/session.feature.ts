import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { AuthActions } from './session.actions';
import { ROLE_LABELS, type SessionUser } from './session.models';

export interface SessionState {
  readonly user: SessionUser | null;
  /** True after a 401 until the user has signed in again. */
  readonly expired: boolean;
  /**
   * True after an automatic sign-out for inactivity until the next sign-in or sign-out: the shell
   * then shows the signed-out panel instead of the app.
   */
  readonly signedOutForInactivity: boolean;
}

export const initialSessionState: SessionState = {
  user: null,
  expired: false,
  signedOutForInactivity: false,
};

export const sessionFeature = createFeature({
  name: 'session',
  reducer: createReducer(
    initialSessionState,
    on(AuthActions.signedIn, (_state, { user }): SessionState => ({ ...initialSessionState, user })),
    on(AuthActions.sessionExpired, (state): SessionState => ({ ...state, expired: true })),
    on(AuthActions.signedOut, (): SessionState => initialSessionState),
    on(AuthActions.signedOutForInactivity, (): SessionState => ({
      ...initialSessionState,
      signedOutForInactivity: true,
    })),
  ),
  extraSelectors: ({ selectUser }) => ({
    selectSignedIn: createSelector(selectUser, (user) => user !== null),
    selectRoleLabel: createSelector(selectUser, (user) => (user?.role ? ROLE_LABELS[user.role] : undefined)),
  }),
});

export const { selectUser, selectExpired, selectSignedIn, selectRoleLabel, selectSignedOutForInactivity } =
  sessionFeature;
