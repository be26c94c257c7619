import type { OidcMetadata } from 'oidc-client-ts';

/** The parts of SMART App Launch 2.x discovery (`[base]/.well-known/smart-configuration`) we use. */
export interface SmartConfiguration {
  readonly issuer?: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly revocation_endpoint?: string;
  readonly userinfo_endpoint?: string;
  readonly end_session_endpoint?: string;
  readonly jwks_uri?: string;
  readonly code_challenge_methods_supported?: readonly string[];
  readonly scopes_supported?: readonly string[];
  readonly capabilities?: readonly string[];
}

export function isSmartConfiguration(value: unknown): value is SmartConfiguration {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { authorization_endpoint, token_endpoint } = value as Record<string, unknown>;
  return typeof authorization_endpoint === 'string' && typeof token_endpoint === 'string';
}

/**
 * OIDC metadata for oidc-client-ts, taken from SMART discovery instead of a second discovery
 * request. SMART requires PKCE S256; a server that does not advertise it is refused.
 */
export function toOidcMetadata(config: SmartConfiguration): Partial<OidcMetadata> {
  const methods = config.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) {
    throw new Error('The authorization server does not support PKCE with S256');
  }
  return {
    ...(config.issuer ? { issuer: config.issuer } : {}),
    authorization_endpoint: config.authorization_endpoint,
    token_endpoint: config.token_endpoint,
    ...(config.revocation_endpoint ? { revocation_endpoint: config.revocation_endpoint } : {}),
    ...(config.userinfo_endpoint ? { userinfo_endpoint: config.userinfo_endpoint } : {}),
    ...(config.end_session_endpoint ? { end_session_endpoint: config.end_session_endpoint } : {}),
    ...(config.jwks_uri ? { jwks_uri: config.jwks_uri } : {}),
  };
}
