import { createFeature, createReducer, createSelector, on } from '@ngrx/store';

import { AuthActions } from './session.actions';
import { ROLE_LABELS, type SessionUser } from './session.models';

export interface SessionState {
  readonly user: SessionUser | null;
  /** True after a 401 until the user has signed in again. */
  readonly expired: boolean;
}

export const initialSessionState: SessionState = { user: null, expired: false };

export const sessionFeature = createFeature({
  name: 'session',
  reducer: createReducer(
    initialSessionState,
    on(AuthActions.signedIn, (_state, { user }): SessionState => ({ user, expired: false })),
    on(AuthActions.sessionExpired, (state): SessionState => ({ ...state, expired: true })),
    on(AuthActions.signedOut, (): SessionState => initialSessionState),
  ),
  extraSelectors: ({ selectUser }) => ({
    selectSignedIn: createSelector(selectUser, (user) => user !== null),
    selectRoleLabel: createSelector(selectUser, (user) => (user?.role ? ROLE_LABELS[user.role] : undefined)),
  }),
});

export const { selectUser, selectExpired, selectSignedIn, selectRoleLabel } = sessionFeature;
