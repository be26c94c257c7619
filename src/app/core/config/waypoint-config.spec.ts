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
