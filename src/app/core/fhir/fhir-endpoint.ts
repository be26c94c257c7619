import { DOCUMENT } from '@angular/common';
import { inject, Injectable } from '@angular/core';

import { APP_CONFIG } from '../config/waypoint-config';

/**
 * Where the FHIR server is: the configured base URL, made absolute, and whether a URL points under it. Part of
 * the app's first load (the auth interceptor and sign-in need it); the FhirClient itself loads with the features.
 */
@Injectable({ providedIn: 'root' })
export class FhirEndpoint {
  private readonly document = inject(DOCUMENT);
  /** Base URL without a trailing slash, as configured (may be relative to the page, e.g. `/fhir`). */
  readonly baseUrl = inject(APP_CONFIG).fhirBaseUrl.replace(/\/+$/, '');

  /** The base URL made absolute against the page; used to resolve relative `next` links. */
  get absoluteBaseUrl(): string {
    return new URL(this.baseUrl, this.document.baseURI).href.replace(/\/+$/, '');
  }

  /** True when `url` points at this FHIR server (same origin and under the base path). */
  isFhirUrl(url: string): boolean {
    try {
      const base = new URL(this.absoluteBaseUrl);
      const target = new URL(url, this.document.baseURI);
      return (
        target.origin === base.origin &&
        (target.pathname === base.pathname ||
          target.pathname.startsWith(`${base.pathname.replace(/\/$/, '')}/`))
      );
    } catch {
      return false;
    }
  }

  /** A link (relative or absolute) resolved against the base. */
  resolve(link: string): string {
    return new URL(link, `${this.absoluteBaseUrl}/`).href;
  }
}
