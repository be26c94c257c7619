import { provideHttpClient } from '@angular/common/http';
import { provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { Store } from '@ngrx/store';

import { provideWaypointConfig, type WaypointConfig } from '../config/waypoint-config';
import { provideRootState } from '../state/root-state';
import { AuthActions } from '../state/session/session.actions';
import { selectSignedIn, selectSignedOutForInactivity, selectUser } from '../state/session/session.feature';
import { IdleMonitor } from './idle-monitor';
import { provideIdleSignOff } from './idle-sign-off';

/** A few real macrotasks: long enough for an already-built chunk to load. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await new Promise<void>((resolve) => setTimeout(resolve));
  }
}

describe('provideIdleSignOff', () => {
  beforeEach(() => {
    // A MockStore spec elsewhere that forgot resetSelectors() would leave these pinned to a value.
    for (const selector of [selectSignedIn, selectUser, selectSignedOutForInactivity]) {
      selector.clearResult();
      selector.release();
    }
  });

  function setup(config: Partial<WaypointConfig> = {}) {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideWaypointConfig(config),
        provideRouter([]),
        provideRootState(),
        provideIdleSignOff(),
      ],
    });
    return TestBed.inject(Store);
  }

  const dana = { name: 'Dana Whitfield', role: 'counselor' as const };

  it('loads and starts the monitor at the first sign-in', async () => {
    const store = setup();
    await settle();
    expect(TestBed.inject(IdleMonitor).phase()).withContext('nobody signed in').toBe('off');
    store.dispatch(AuthActions.signedIn({ user: dana }));
    for (let i = 0; i < 50 && TestBed.inject(IdleMonitor).phase() === 'off'; i++) {
      await settle();
    }
    expect(TestBed.inject(IdleMonitor).phase()).toBe('active');
    store.dispatch(AuthActions.signedOut());
    expect(TestBed.inject(IdleMonitor).phase()).toBe('off');
  });

  it('never starts it without SMART sign-in', async () => {
    const store = setup({ signIn: 'none' });
    store.dispatch(AuthActions.signedIn({ user: dana }));
    await settle();
    expect(TestBed.inject(IdleMonitor).phase()).toBe('off');
  });
});
