import { InjectionToken, type Provider } from '@angular/core';

/**
 * Runtime configuration, read from `/config.json` before bootstrap so one build can be pointed at
 * another FHIR server without rebuilding. Nothing in here is secret.
 */
export interface WaypointConfig {
  /** FHIR base URL, absolute or relative to the page (default `/fhir`, proxied to the backend). */
  readonly fhirBaseUrl: string;
  /** OAuth 2.0 client id registered with the SMART authorization server. */
  readonly clientId: string;
  /**
   * Scopes requested at sign-in (SMART App Launch 2.x). `profile` brings the user's name and the
   * embedded server's `waypoint_role` claim into the id_token.
   */
  readonly scope: string;
  /** `smart` (default): SMART standalone launch. `none`: an open test server, no sign-in at all. */
  readonly signIn: 'smart' | 'none';
  /**
   * Seconds without input after which the session ends (default 900, 15 minutes): an unattended
   * workstation must not stay open on patient records (automatic logoff, HIPAA
   * §164.312(a)(2)(iii)). An integer from 2 to 86400.
   */
  readonly idleTimeoutSeconds: number;
  /**
   * Seconds before that sign-out at which a warning with a countdown appears (default 120). Fewer
   * than `idleTimeoutSeconds`; when it is not, half the timeout is used.
   */
  readonly idleWarningSeconds: number;
}

export const DEFAULT_WAYPOINT_CONFIG: WaypointConfig = {
  fhirBaseUrl: '/fhir',
  clientId: 'waypoint',
  scope: 'openid fhirUser profile online_access user/*.rs user/*.cru',
  signIn: 'smart',
  idleTimeoutSeconds: 900,
  idleWarningSeconds: 120,
};

/** A day. Also keeps every idle timer far below setTimeout's limit (2^31 ms), past which it fires at once. */
const MAX_IDLE_TIMEOUT_SECONDS = 86_400;

export const APP_CONFIG = new InjectionToken<WaypointConfig>('APP_CONFIG', {
  providedIn: 'root',
  factory: () => DEFAULT_WAYPOINT_CONFIG,
});

export function provideWaypointConfig(config: Partial<WaypointConfig>): Provider {
  return { provide: APP_CONFIG, useValue: { ...DEFAULT_WAYPOINT_CONFIG, ...config } };
}

/**
 * Keeps only known keys with values of the expected type, so a malformed config.json cannot inject
 * unexpected values.
 */
export function parseWaypointConfig(json: unknown): Partial<WaypointConfig> {
  if (typeof json !== 'object' || json === null) {
    return {};
  }
  const record = json as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const value = record[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const fhirBaseUrl = text('fhirBaseUrl');
  const clientId = text('clientId');
  const scope = text('scope');
  const signIn = text('signIn');
  return {
    // The base URL is joined with `/${type}`: drop trailing slashes once, here.
    ...(fhirBaseUrl ? { fhirBaseUrl: fhirBaseUrl.replace(/\/+$/, '') } : {}),
    ...(clientId ? { clientId } : {}),
    ...(scope ? { scope: scope.split(/\s+/).join(' ') } : {}),
    ...(signIn === 'smart' || signIn === 'none' ? { signIn } : {}),
    ...parseIdleTimes(record),
  };
}

/**
 * The idle sign-out times: whole seconds only (never a string, fraction or negative number), a
 * timeout of 2 s to a day, and a warning shorter than the timeout. A timeout without a warning that
 * fits gets half of it as the warning, so it never starts with the countdown running out.
 */
function parseIdleTimes(
  record: Record<string, unknown>,
): Partial<Pick<WaypointConfig, 'idleTimeoutSeconds' | 'idleWarningSeconds'>> {
  const whole = (key: string, min: number, max: number): number | undefined => {
    const value = record[key];
    return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? (value as number)
      : undefined;
  };
  const timeout = whole('idleTimeoutSeconds', 2, MAX_IDLE_TIMEOUT_SECONDS);
  const limit = (timeout ?? DEFAULT_WAYPOINT_CONFIG.idleTimeoutSeconds) - 1;
  const warning =
    whole('idleWarningSeconds', 1, limit) ??
    (DEFAULT_WAYPOINT_CONFIG.idleWarningSeconds > limit ? Math.floor((limit + 1) / 2) : undefined);
  return {
    ...(timeout !== undefined ? { idleTimeoutSeconds: timeout } : {}),
    ...(warning !== undefined ? { idleWarningSeconds: warning } : {}),
  };
}

/**
 * Fetches `config.json` next to index.html. A missing or unreadable file means "use the defaults":
 * the dev server and the e2e static server both work without one.
 */
export async function loadWaypointConfig(
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): Promise<WaypointConfig> {
  try {
    const response = await fetchFn('config.json', { cache: 'no-cache', credentials: 'same-origin' });
    if (!response.ok) {
      return DEFAULT_WAYPOINT_CONFIG;
    }
    return { ...DEFAULT_WAYPOINT_CONFIG, ...parseWaypointConfig(await response.json()) };
  } catch {
    return DEFAULT_WAYPOINT_CONFIG;
  }
}
