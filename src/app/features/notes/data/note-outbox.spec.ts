import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { QuestionnaireResponse } from '@medplum/fhirtypes';

import { provideWaypointConfig } from '../../../core/config/waypoint-config';
import { DraftStore } from '../../../core/drafts/draft-store';
import { provideMockStoreForSpec } from '../../../testing/mock-store';
import { NoteOutbox, OUTBOX_STORAGE_PREFIX, RETRY_INTERVAL_MS } from './note-outbox';

const draft = (text: string, versionId = '3'): QuestionnaireResponse => ({
  resourceType: 'QuestionnaireResponse',
  id: 'n1',
  meta: { versionId },
  status: 'in-progress',
  item: [{ linkId: 'homework', answer: [{ valueString: text }] }],
});

describe('NoteOutbox', () => {
  let outbox: NoteOutbox;
  let http: HttpTestingController;

  beforeEach(() => {
    sessionStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideMockStoreForSpec(),
        provideWaypointConfig({ fhirBaseUrl: '/fhir' }),
      ],
    });
    outbox = TestBed.inject(NoteOutbox);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    http.verify();
    sessionStorage.clear();
  });

  it('queues in memory and sessionStorage (never localStorage), then PUTs with If-Match', async () => {
    outbox.track(draft('', '3'));
    outbox.queue(draft('Two thought records'));
    expect(sessionStorage.getItem(`${OUTBOX_STORAGE_PREFIX}n1`)).toContain('Two thought records');
    expect(Object.keys(localStorage).some((k) => k.includes('outbox'))).toBeFalse();
    const saved = outbox.flush('n1');
    const put = http.expectOne('/fhir/QuestionnaireResponse/n1');
    expect(put.request.method).toBe('PUT');
    expect(put.request.headers.get('If-Match')).toBe('W/"3"');
    put.flush({ ...draft('Two thought records'), meta: { versionId: '4' } });
    expect((await saved).kind).toBe('saved');
    expect(outbox.pending('n1')).toBeUndefined();
    expect(sessionStorage.getItem(`${OUTBOX_STORAGE_PREFIX}n1`)).toBeNull();
    expect(outbox.version('n1')).toBe('4');
  });

  it('keeps an edit queued when offline and retries it when the browser is back online', async () => {
    outbox.queue(draft('offline text'));
    const first = outbox.flush('n1');
    http.expectOne('/fhir/QuestionnaireResponse/n1').error(new ProgressEvent('error'), { status: 0 });
    expect((await first).kind).toBe('offline');
    expect(outbox.pending('n1')?.response.item?.[0]?.answer?.[0]?.valueString).toBe('offline text');
    window.dispatchEvent(new Event('online'));
    await Promise.resolve();
    http.expectOne('/fhir/QuestionnaireResponse/n1').flush({ ...draft('offline text'), meta: { versionId: '4' } });
    await new Promise((resolve) => setTimeout(resolve));
    expect(outbox.status('n1').kind).toBe('saved');
  });

  it('retries a failed save periodically', async () => {
    jasmine.clock().install();
    try {
      outbox = TestBed.runInInjectionContext(() => new NoteOutbox()); // its timer on the fake clock
      outbox.queue(draft('later'));
      const first = outbox.flush('n1');
      http.expectOne('/fhir/QuestionnaireResponse/n1').error(new ProgressEvent('error'), { status: 0 });
      await first;
      jasmine.clock().tick(RETRY_INTERVAL_MS - 1);
      http.expectNone('/fhir/QuestionnaireResponse/n1');
      jasmine.clock().tick(1);
      await Promise.resolve();
      http.expectOne('/fhir/QuestionnaireResponse/n1').flush({ ...draft('later'), meta: { versionId: '4' } });
      await Promise.resolve();
      expect(outbox.pending('n1')).toBeUndefined();
    } finally {
      jasmine.clock().uninstall();
    }
  });

  it('a 412 is a conflict with the server copy: nothing is overwritten, the edit stays queued', async () => {
    outbox.queue(draft('mine'));
    const saved = outbox.flush('n1');
    http
      .expectOne('/fhir/QuestionnaireResponse/n1')
      .flush(
        { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict' }] },
        { status: 412, statusText: 'Precondition Failed' },
      );
    await new Promise((resolve) => setTimeout(resolve));
    const read = http.expectOne('/fhir/QuestionnaireResponse/n1');
    expect(read.request.method).toBe('GET');
    read.flush(draft('theirs', '5'));
    const status = await saved;
    expect(status.kind).toBe('conflict');
    expect(status.kind === 'conflict' && status.server?.item?.[0]?.answer?.[0]?.valueString).toBe('theirs');
    expect(outbox.pending('n1')?.response.item?.[0]?.answer?.[0]?.valueString).toBe('mine');
    // While the conflict is open, nothing more is sent.
    expect((await outbox.flush('n1')).kind).toBe('conflict');
    outbox.takeServer(draft('theirs', '5'));
    expect(outbox.pending('n1')).toBeUndefined();
    expect(outbox.version('n1')).toBe('5');
  });

  it('a sign-out forgets queued edits (the DraftStore is cleared; AuthSession clears sessionStorage)', () => {
    outbox.queue(draft('x'));
    TestBed.inject(DraftStore).clear();
    expect(outbox.pending('n1')).toBeUndefined();
    expect(outbox.pendingIds()).toEqual([]);
  });
});
