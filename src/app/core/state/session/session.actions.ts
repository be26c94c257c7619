import { createActionGroup, emptyProps, props } from '@ngrx/store';

import { type SessionUser } from './session.models';

/** Events from the sign-in machinery (core/auth). */
export const AuthActions = createActionGroup({
  source: 'Auth',
  events: {
    'Signed In': props<{ user: SessionUser }>(),
    'Session Expired': emptyProps(),
    'Signed Out': emptyProps(),
    /** Tokens revoked after a spell without input; unsaved drafts stay in memory for the next sign-in. */
    'Signed Out For Inactivity': emptyProps(),
  },
});
