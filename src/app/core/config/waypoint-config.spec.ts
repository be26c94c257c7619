import { DEFAULT_WAYPOINT_CONFIG, loadWaypointConfig, parseWaypointConfig } from './waypoint-config';

describe('waypoint config', () => {
  const respond =
    (body: unknown, status = 200) =>
    () =>
      Promise.resolve(
        new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }),
      );

  it('keeps known string keys and trims the base URL', () => {
    expect(
      parseWaypointConfig({ fhirBaseUrl: ' https://hapi.example/fhir/ ', clientId: 7, other: 'x' }),
    ).toEqual({
      fhirBaseUrl: 'https://hapi.example/fhir',
    });
    expect(parseWaypointConfig('nonsense')).toEqual({});
    expect(parseWaypointConfig({ signIn: 'maybe', scope: ' openid   fhirUser ' })).toEqual({
      scope: 'openid fhirUser',
    });
    expect(parseWaypointConfig({ signIn: 'none' })).toEqual({ signIn: 'none' });
  });

  it('defaults to signing out after 15 minutes without input, warning 2 minutes before', () => {
    expect(DEFAULT_WAYPOINT_CONFIG.idleTimeoutSeconds).toBe(900);
    expect(DEFAULT_WAYPOINT_CONFIG.idleWarningSeconds).toBe(120);
  });

  it('keeps idle times that are whole seconds, with the warning shorter than the timeout', () => {
    expect(parseWaypointConfig({ idleTimeoutSeconds: 600, idleWarningSeconds: 60 })).toEqual({
      idleTimeoutSeconds: 600,
      idleWarningSeconds: 60,
    });
    expect(parseWaypointConfig({ idleWarningSeconds: 30 })).toEqual({ idleWarningSeconds: 30 });
    expect(parseWaypointConfig({ idleTimeoutSeconds: 8, idleWarningSeconds: 5 })).toEqual({
      idleTimeoutSeconds: 8,
      idleWarningSeconds: 5,
    });
  });

  it('ignores idle times that are not positive whole seconds, or too long for a timer', () => {
    for (const value of ['900', 0, -900, 90.5, Number.NaN, Infinity, null, true, 1, 86_401]) {
      expect(parseWaypointConfig({ idleTimeoutSeconds: value }))
        .withContext(`timeout ${String(value)}`)
        .toEqual({});
    }
    for (const value of ['120', 0, -1, 2.5, null]) {
      expect(parseWaypointConfig({ idleWarningSeconds: value }))
        .withContext(`warning ${String(value)}`)
        .toEqual({});
    }
    expect(parseWaypointConfig({ idleTimeoutSeconds: 86_400 })).toEqual({ idleTimeoutSeconds: 86_400 });
  });

  it('never lets the warning reach the timeout', () => {
    // The warning must be shorter: the configured one is dropped for the default, which fits.
    expect(parseWaypointConfig({ idleTimeoutSeconds: 600, idleWarningSeconds: 600 })).toEqual({
      idleTimeoutSeconds: 600,
    });
    expect(parseWaypointConfig({ idleWarningSeconds: 900 })).toEqual({});
    // A short timeout that the default 120 s warning does not fit: half of it.
    expect(parseWaypointConfig({ idleTimeoutSeconds: 60 })).toEqual({
      idleTimeoutSeconds: 60,
      idleWarningSeconds: 30,
    });
    expect(parseWaypointConfig({ idleTimeoutSeconds: 9, idleWarningSeconds: 20 })).toEqual({
      idleTimeoutSeconds: 9,
      idleWarningSeconds: 4,
    });
    expect(parseWaypointConfig({ idleTimeoutSeconds: 2 })).toEqual({
      idleTimeoutSeconds: 2,
      idleWarningSeconds: 1,
    });
  });

  it('ships config.json with the idle times written out, as the defaults', async () => {
    const response = await fetch('config.json', { cache: 'no-cache' });
    expect(response.ok).withContext('public/config.json is served').toBeTrue();
    const shipped: unknown = await response.json();
    expect(shipped).toEqual(jasmine.objectContaining({ idleTimeoutSeconds: 900, idleWarningSeconds: 120 }));
    expect(parseWaypointConfig(shipped)).toEqual(jasmine.objectContaining({ idleTimeoutSeconds: 900 }));
  });

  it('merges config.json over the defaults', async () => {
    const config = await loadWaypointConfig(respond({ fhirBaseUrl: '/r4' }));
    expect(config).toEqual({ ...DEFAULT_WAYPOINT_CONFIG, fhirBaseUrl: '/r4' });
  });

  it('falls back to the defaults when config.json is missing or unreadable', async () => {
    expect(await loadWaypointConfig(respond({}, 404))).toEqual(DEFAULT_WAYPOINT_CONFIG);
    expect(await loadWaypointConfig(() => Promise.reject(new TypeError('offline')))).toEqual(
      DEFAULT_WAYPOINT_CONFIG,
    );
  });
});
