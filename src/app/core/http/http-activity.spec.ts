import { HttpClient, HttpContext, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';

import { BACKGROUND_REQUEST, HttpActivity, httpActivityInterceptor } from './http-activity';

describe('httpActivityInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let activity: HttpActivity;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([httpActivityInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    activity = TestBed.inject(HttpActivity);
  });

  afterEach(() => backend.verify());

  it('is busy while any request is in flight and idle once all have ended', () => {
    expect(activity.busy()).toBeFalse();
    http.get('/fhir/Patient/1').subscribe();
    http.get('/fhir/Patient/2').subscribe({ error: () => undefined });
    expect(activity.busy()).toBeTrue();

    backend.expectOne('/fhir/Patient/1').flush({});
    expect(activity.busy()).withContext('one still pending').toBeTrue();

    backend.expectOne('/fhir/Patient/2').flush(null, { status: 500, statusText: 'Server Error' });
    expect(activity.busy()).toBeFalse();
  });

  it('stops counting a request that is cancelled', () => {
    const subscription = http.get('/fhir/Patient/1').subscribe();
    expect(activity.busy()).toBeTrue();
    subscription.unsubscribe();
    expect(activity.busy()).toBeFalse();
    expect(backend.expectOne('/fhir/Patient/1').cancelled).toBeTrue();
  });

  it('ignores background requests', () => {
    http.get('/auth/token', { context: new HttpContext().set(BACKGROUND_REQUEST, true) }).subscribe();
    expect(activity.busy()).toBeFalse();
    backend.expectOne('/auth/token').flush({});
  });
});
