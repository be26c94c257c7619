import { HttpErrorResponse, type HttpInterceptorFn, type HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';

import { FhirEndpoint } from '../fhir/fhir-endpoint';
import { AuthSession } from './auth-session';

/**
 * One job: requests to the FHIR base carry `Authorization: Bearer <access token>` (never requests
 * elsewhere). A 401 from the FHIR server leads to one re-authentication and one retry.
 */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const auth = inject(AuthSession);
  const fhir = inject(FhirEndpoint);
  if (!auth.enabled || !fhir.isFhirUrl(req.url) || isDiscovery(req)) {
    return next(req);
  }
  const withToken = (token: string | undefined) =>
    token ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;

  return from(auth.accessToken()).pipe(
    switchMap((token) => next(withToken(token))),
    catchError((error: unknown) => {
      if (!(error instanceof HttpErrorResponse) || error.status !== 401) {
        return throwError(() => error);
      }
      return from(auth.reauthenticate()).pipe(
        switchMap(() => from(auth.accessToken())),
        switchMap((token) => next(withToken(token))),
      );
    }),
  );
};

function isDiscovery(req: HttpRequest<unknown>): boolean {
  return /\/\.well-known\/smart-configuration$/.test(req.url) || /\/metadata(\?|$)/.test(req.url);
}
