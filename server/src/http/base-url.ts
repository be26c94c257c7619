// The absolute FHIR base URL a client used to reach us, and the rewriting of relative URLs in Bundles
// (paging links, fullUrl) against it. Behind a proxy (Angular dev server with changeOrigin, nginx…)
// the X-Forwarded-Proto/Host/Prefix headers name the origin the client sees.
import type { Bundle } from '@medplum/fhirtypes';
import type { FastifyRequest } from 'fastify';

export const FHIR_PREFIX = '/fhir';

function firstHeader(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  // X-Forwarded-* may carry a comma-separated chain; the first hop is the client-facing one.
  return first?.split(',')[0]?.trim() || undefined;
}

/** E.g. `https://clinic.example/api/fhir` for X-Forwarded-Proto https, Host clinic.example, Prefix /api. */
export function fhirBaseUrl(request: FastifyRequest, trustForwarded: boolean): string {
  const forwardedProto = trustForwarded ? firstHeader(request, 'x-forwarded-proto') : undefined;
  const forwardedHost = trustForwarded ? firstHeader(request, 'x-forwarded-host') : undefined;
  const forwardedPrefix = trustForwarded ? firstHeader(request, 'x-forwarded-prefix') : undefined;
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : request.protocol;
  const host = forwardedHost ?? request.headers.host ?? 'localhost';
  const prefix = (forwardedPrefix ?? '').replace(/\/+$/, '');
  return `${proto}://${host}${prefix && !prefix.startsWith('/') ? '/' : ''}${prefix}${FHIR_PREFIX}`;
}

function absolute(base: string, url: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `${base}/${url.replace(/^\/+/, '')}`;
}

/** Makes Bundle.link urls and entry.fullUrl absolute; fills fullUrl where the store left it out. */
export function absolutizeBundle(bundle: Bundle, base: string): void {
  for (const link of bundle.link ?? []) {
    link.url = absolute(base, link.url);
  }
  for (const entry of bundle.entry ?? []) {
    const resource = entry.resource;
    if (entry.fullUrl) {
      entry.fullUrl = absolute(base, entry.fullUrl);
    } else if (resource?.id && resource.resourceType !== 'OperationOutcome') {
      entry.fullUrl = `${base}/${resource.resourceType}/${resource.id}`;
    }
  }
}
