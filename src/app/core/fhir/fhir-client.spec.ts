import { provideHttpClient } from '@angular/common/http';
import {
  HttpTestingController,
  provideHttpClientTesting,
  type TestRequest,
} from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { firstValueFrom, type Observable } from 'rxjs';

import { aPatient, aSearchBundle } from '../../testing/fhir-builders';
import { provideWaypointConfig } from '../config/waypoint-config';
import { batchBundle, entryOutcome, getEntry, transactionBundle } from './bundle';
import { FhirClient } from './fhir-client';
import { FhirError, UNREACHABLE_MESSAGE } from './operation-outcome';

const BASE = '/fhir';
/** Where a relative `next` link resolves: the base on this page's origin. */
const PAGE = `${location.origin}/fhir`;

describe('FhirClient', () => {
  let client: FhirClient;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideWaypointConfig({ fhirBaseUrl: '/fhir/' }),
      ],
    });
    client = TestBed.inject(FhirClient);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  /** Subscribes, hands the single pending request to `respond`, and resolves with the first value or error. */
  async function exchange<T>(call: Observable<T>, respond: (req: TestRequest) => void): Promise<T> {
    const result = firstValueFrom(call);
    const pending = http.match(() => true);
    expect(pending.length).withContext('requests in flight').toBe(1);
    respond(pending[0]);
    return result;
  }

  async function failure(call: Observable<unknown>, respond: (req: TestRequest) => void): Promise<FhirError> {
    try {
      await exchange(call, respond);
    } catch (error) {
      expect(error).toBeInstanceOf(FhirError);
      return error as FhirError;
    }
    throw new Error('expected the call to fail');
  }

  const operationOutcome = (
    text: string,
    code: OperationOutcome['issue'][number]['code'],
  ): OperationOutcome => ({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code, details: { text } }],
  });

  describe('read and vread', () => {
    it('GETs [base]/[type]/[id] with the FHIR JSON Accept header, base slash trimmed', async () => {
      const patient = aPatient({ id: 'p1' });
      const read = await exchange(client.read('Patient', 'p1'), (req) => {
        expect(req.request.method).toBe('GET');
        expect(req.request.url).toBe(`${BASE}/Patient/p1`);
        expect(req.request.headers.get('Accept')).toBe('application/fhir+json');
        req.flush(patient);
      });
      expect(read).toEqual(patient);
    });

    it('GETs a specific version', async () => {
      await exchange(client.vread('Patient', 'p1', '3'), (req) => {
        expect(req.request.url).toBe(`${BASE}/Patient/p1/_history/3`);
        req.flush(aPatient({ id: 'p1', meta: { versionId: '3' } }));
      });
    });

    it('refuses ids that would change the request path, without sending anything', async () => {
      const error = await firstValueFrom(client.read('Patient', '../Observation')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FhirError);
      expect((error as FhirError).status).toBe(400);
      http.expectNone(() => true);
    });

    it('normalizes a 404 with an OperationOutcome body, keeping the server outcome', async () => {
      const outcome = operationOutcome('Patient/nope not found', 'not-found');
      const error = await failure(client.read('Patient', 'nope'), (req) =>
        req.flush(outcome, { status: 404, statusText: 'Not Found' }),
      );
      expect(error.status).toBe(404);
      expect(error.outcome).toEqual(outcome);
      expect(error.message).toBe('Patient/nope not found');
    });

    it('normalizes a 410 without a body into a synthesized "deleted" outcome', async () => {
      const error = await failure(client.read('Patient', 'gone'), (req) =>
        req.flush(null, { status: 410, statusText: 'Gone' }),
      );
      expect(error.status).toBe(410);
      expect(error.outcome.issue[0].code).toBe('deleted');
      expect(error.message).toBe('The record has been deleted');
    });

    it('normalizes a non-FHIR error body (an HTML proxy page) into a synthesized outcome', async () => {
      const error = await failure(client.read('Patient', 'p1'), (req) =>
        req.flush('<html><body><h1>502 Bad Gateway</h1></body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
        }),
      );
      expect(error.status).toBe(502);
      expect(error.outcome.resourceType).toBe('OperationOutcome');
      expect(error.outcome.issue[0].code).toBe('exception');
      expect(error.outcome.issue[0].diagnostics).toBe('502 Bad Gateway');
    });

    it('normalizes a network error to status 0 and "could not be reached"', async () => {
      const error = await failure(client.read('Patient', 'p1'), (req) =>
        req.error(new ProgressEvent('error'), { status: 0, statusText: 'Unknown Error' }),
      );
      expect(error.status).toBe(0);
      expect(error.outcome.issue[0].code).toBe('transient');
      expect(error.message).toBe(UNREACHABLE_MESSAGE);
    });
  });

  describe('search', () => {
    it('POSTs [type]/_search with a form body by default, so nothing identifying is in the URL', async () => {
      const result = await exchange(
        client.search('Observation', {
          patient: 'Patient/p1',
          code: ['http://loinc.org|44261-6'],
          _count: 10,
        }),
        (req) => {
          expect(req.request.method).toBe('POST');
          expect(req.request.url).toBe(`${BASE}/Observation/_search`);
          expect(req.request.urlWithParams).not.toContain('p1');
          expect(req.request.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
          expect(req.request.body).toBe('patient=Patient%2Fp1&code=http:%2F%2Floinc.org|44261-6&_count=10');
          req.flush(aSearchBundle([]));
        },
      );
      expect(result.resources).toEqual([]);
    });

    it('uses GET when asked, repeating array parameters and skipping undefined ones', async () => {
      await exchange(
        client.search(
          'Patient',
          { name: 'Ana María', _sort: '-_lastUpdated', date: ['ge2025', 'lt2026'], x: undefined },
          { method: 'GET' },
        ),
        (req) => {
          expect(req.request.method).toBe('GET');
          expect(req.request.url).toBe(
            `${BASE}/Patient?name=Ana%20Mar%C3%ADa&_sort=-_lastUpdated&date=ge2025&date=lt2026`,
          );
          req.flush(aSearchBundle([]));
        },
      );
    });

    it('unwraps matches, _include results, total and the next link', async () => {
      const p = aPatient({ id: 'p1' });
      const bundle: Bundle = {
        resourceType: 'Bundle',
        type: 'searchset',
        total: 3,
        link: [
          { relation: 'self', url: 'Patient?_count=1' },
          { relation: 'next', url: 'Patient?_count=1&_offset=1' },
        ],
        entry: [
          { resource: p, search: { mode: 'match' } },
          { resource: { resourceType: 'Practitioner', id: 'pr1' }, search: { mode: 'include' } },
          {
            resource: operationOutcome('Unknown parameter ignored', 'not-supported'),
            search: { mode: 'outcome' },
          },
        ],
      };
      const result = await exchange(
        client.search('Patient', { _include: 'Patient:general-practitioner' }),
        (req) => req.flush(bundle),
      );
      expect(result.resources).toEqual([p]);
      expect(result.included.map((r) => `${r.resourceType}/${r.id}`)).toEqual(['Practitioner/pr1']);
      expect(result.outcomes.length).toBe(1);
      expect(result.total).toBe(3);
      expect(result.next).toBe('Patient?_count=1&_offset=1');
    });

    it('searchAll follows relative and absolute next links and merges the pages', async () => {
      const all = firstValueFrom(client.searchAll('Patient', { _count: 1 }));
      http
        .expectOne(`${BASE}/Patient/_search`)
        .flush(aSearchBundle([aPatient({ id: 'a' })], { total: 3, next: 'Patient?_count=1&_offset=1' }));
      http.expectOne(`${location.origin}/fhir/Patient?_count=1&_offset=1`).flush(
        aSearchBundle([aPatient({ id: 'b' })], {
          next: `${location.origin}/fhir/Patient?_count=1&_offset=2`,
        }),
      );
      http
        .expectOne(`${location.origin}/fhir/Patient?_count=1&_offset=2`)
        .flush(aSearchBundle([aPatient({ id: 'c' })]));
      const result = await all;
      expect(result.resources.map((r) => r.id)).toEqual(['a', 'b', 'c']);
      expect(result.total).toBe(3);
      expect(result.next).toBeUndefined();
    });

    it('refuses to follow a next link to another server', async () => {
      const all = firstValueFrom(client.searchAll('Patient')).catch((e: unknown) => e);
      http
        .expectOne(`${BASE}/Patient/_search`)
        .flush(aSearchBundle([], { next: 'https://elsewhere.example/fhir/Patient?page=2' }));
      const error = await all;
      expect(error).toBeInstanceOf(FhirError);
      expect((error as FhirError).status).toBe(400);
    });

    it('stops after maxPages even if the server keeps sending next links', async () => {
      const all = firstValueFrom(client.searchAll('Patient', {}, { maxPages: 2 }));
      http
        .expectOne(`${BASE}/Patient/_search`)
        .flush(aSearchBundle([aPatient({ id: 'a' })], { next: 'Patient?page=2' }));
      http
        .expectOne(`${location.origin}/fhir/Patient?page=2`)
        .flush(aSearchBundle([aPatient({ id: 'b' })], { next: 'Patient?page=3' }));
      expect((await all).resources.length).toBe(2);
    });
  });

  describe('writes', () => {
    it('creates with POST [type] and a FHIR JSON body', async () => {
      const created = await exchange(client.create(aPatient({ id: undefined })), (req) => {
        expect(req.request.method).toBe('POST');
        expect(req.request.url).toBe(`${BASE}/Patient`);
        expect(req.request.headers.get('Content-Type')).toBe('application/fhir+json');
        expect(req.request.headers.get('Prefer')).toBe('return=representation');
        expect(JSON.parse(req.request.body as string).resourceType).toBe('Patient');
        req.flush(aPatient({ id: 'new', meta: { versionId: '1' } }), { status: 201, statusText: 'Created' });
      });
      expect(created.id).toBe('new');
    });

    it('conditional create sends If-None-Exist with the query', async () => {
      await exchange(
        client.createIfNoneExist(aPatient({ id: undefined }), { identifier: 'urn:mrn|123' }),
        (req) => {
          expect(req.request.headers.get('If-None-Exist')).toBe('identifier=urn:mrn|123');
          req.flush(aPatient({ id: 'existing' }), { status: 200, statusText: 'OK' });
        },
      );
    });

    it('updates with PUT and If-Match from meta.versionId', async () => {
      const patient = aPatient({ id: 'p1', meta: { versionId: '7' } });
      await exchange(client.update(patient), (req) => {
        expect(req.request.method).toBe('PUT');
        expect(req.request.url).toBe(`${BASE}/Patient/p1`);
        expect(req.request.headers.get('If-Match')).toBe('W/"7"');
        req.flush({ ...patient, meta: { versionId: '8' } });
      });
    });

    it('reports a stale update (412) as a conflict the user can act on', async () => {
      const error = await failure(client.update(aPatient({ id: 'p1', meta: { versionId: '7' } })), (req) =>
        req.flush(null, { status: 412, statusText: 'Precondition Failed' }),
      );
      expect(error.status).toBe(412);
      expect(error.outcome.issue[0].code).toBe('conflict');
      expect(error.message).toContain('changed by someone else');
    });

    it('sends JSON Patch with its media type and an optional If-Match', async () => {
      const ops = [{ op: 'replace', path: '/status', value: 'completed' }] as const;
      await exchange(client.patch('Task', 't1', ops, { versionId: '2' }), (req) => {
        expect(req.request.method).toBe('PATCH');
        expect(req.request.headers.get('Content-Type')).toBe('application/json-patch+json');
        expect(req.request.headers.get('If-Match')).toBe('W/"2"');
        expect(JSON.parse(req.request.body as string)).toEqual(ops);
        req.flush({ resourceType: 'Task', id: 't1', status: 'completed', intent: 'order' });
      });
    });

    it('deletes and completes on an empty 204', async () => {
      const result = await exchange(client.delete('Task', 't1'), (req) => {
        expect(req.request.method).toBe('DELETE');
        expect(req.request.url).toBe(`${BASE}/Task/t1`);
        req.flush(null, { status: 204, statusText: 'No Content' });
      });
      expect(result).toBeUndefined();
    });
  });

  describe('history, batch and transaction', () => {
    it('reads instance and type history', async () => {
      await exchange(client.history('Patient', 'p1'), (req) => {
        expect(req.request.url).toBe(`${BASE}/Patient/p1/_history`);
        req.flush({ resourceType: 'Bundle', type: 'history' });
      });
      await exchange(client.history('Patient'), (req) => {
        expect(req.request.url).toBe(`${BASE}/Patient/_history`);
        req.flush({ resourceType: 'Bundle', type: 'history' });
      });
    });

    it('POSTs a batch Bundle to the base and exposes per-entry failures', async () => {
      const response = await exchange(
        client.batch(batchBundle([getEntry('Patient/p1'), getEntry('Patient/p2')])),
        (req) => {
          expect(req.request.method).toBe('POST');
          expect(req.request.url).toBe(BASE);
          expect(JSON.parse(req.request.body as string).type).toBe('batch');
          req.flush({
            resourceType: 'Bundle',
            type: 'batch-response',
            entry: [
              { resource: aPatient({ id: 'p1' }), response: { status: '200 OK' } },
              { response: { status: '404 Not Found' } },
            ],
          });
        },
      );
      expect(entryOutcome(response.entry![0])).toBeUndefined();
      expect(entryOutcome(response.entry![1])?.issue[0].code).toBe('not-found');
    });

    it('fails a whole transaction with the server outcome', async () => {
      const outcome = operationOutcome('Reference Patient/x not found', 'processing');
      const error = await failure(client.transaction(transactionBundle([getEntry('Patient/x')])), (req) => {
        expect(JSON.parse(req.request.body as string).type).toBe('transaction');
        req.flush(outcome, { status: 400, statusText: 'Bad Request' });
      });
      expect(error.status).toBe(400);
      expect(error.outcome).toEqual(outcome);
    });

    it('refuses to send a batch Bundle as a transaction', async () => {
      const error = await firstValueFrom(client.transaction(batchBundle([]))).catch((e: unknown) => e);
      expect((error as FhirError).status).toBe(400);
    });
  });

  describe('searchBatchSettled', () => {
    const searches = [
      { resourceType: 'Patient' as const, params: { _id: 'p1' } },
      { resourceType: 'Observation' as const, params: { patient: 'Patient/p1' } },
      { resourceType: 'Appointment' as const, params: { patient: 'Patient/p1' } },
    ];
    const obs = (id: string) => ({
      resourceType: 'Observation' as const,
      id,
      status: 'final' as const,
      code: {},
    });

    it('settles each search on its own: a failed entry fails only that search, with its outcome', async () => {
      const forbidden = operationOutcome('No Appointment access', 'forbidden');
      const settled = await exchange(client.searchBatchSettled(searches), (req) => {
        expect(req.request.method).toBe('POST');
        expect(req.request.url).toBe(BASE);
        const sent = JSON.parse(req.request.body as string) as Bundle;
        expect(sent.type).toBe('batch');
        expect(sent.entry?.map((e) => e.request?.url)).toEqual([
          'Patient?_id=p1',
          'Observation?patient=Patient%2Fp1',
          'Appointment?patient=Patient%2Fp1',
        ]);
        req.flush({
          resourceType: 'Bundle',
          type: 'batch-response',
          entry: [
            { resource: aSearchBundle([aPatient({ id: 'p1' })]), response: { status: '200 OK' } },
            { resource: aSearchBundle([obs('o1')]), response: { status: '200 OK' } },
            { response: { status: '403 Forbidden', outcome: forbidden } },
          ],
        });
      });
      expect(settled.map((s) => s.ok)).toEqual([true, true, false]);
      expect(settled[1]!.ok && settled[1]!.result.resources.map((r) => r.id)).toEqual(['o1']);
      expect(settled[2]).toEqual({ ok: false, status: 403, outcome: forbidden });
    });

    it('follows next pages with the extra headers; a failed page fails only its search', async () => {
      const result = firstValueFrom(
        client.searchBatchSettled(searches, { headers: { 'X-Break-Glass-Reason': 'Crisis call from ED' } }),
      );
      const batch = http.expectOne(BASE);
      expect(batch.request.headers.get('X-Break-Glass-Reason')).toBe('Crisis call from ED');
      const withNext = (bundle: Bundle, next: string): Bundle => ({
        ...bundle,
        link: [{ relation: 'next', url: next }],
      });
      batch.flush({
        resourceType: 'Bundle',
        type: 'batch-response',
        entry: [
          { resource: aSearchBundle([aPatient({ id: 'p1' })]), response: { status: '200 OK' } },
          {
            resource: withNext(aSearchBundle([obs('o1')]), 'Observation?_page=2'),
            response: { status: '200 OK' },
          },
          {
            resource: withNext(aSearchBundle([]), `${location.origin}/fhir/Appointment?_page=2`),
            response: { status: '200 OK' },
          },
        ],
      });
      // Both next pages are requested in parallel, each with the header.
      const pages = http.match((r) => r.method === 'GET');
      expect(pages.map((p) => p.request.url).sort()).toEqual([
        `${location.origin}/fhir/Appointment?_page=2`,
        `${location.origin}/fhir/Observation?_page=2`,
      ]);
      for (const page of pages) {
        expect(page.request.headers.get('X-Break-Glass-Reason')).toBe('Crisis call from ED');
      }
      const [appointments, observations] = pages.sort((a, b) => a.request.url.localeCompare(b.request.url));
      observations!.flush(aSearchBundle([obs('o2')]));
      appointments!.flush(operationOutcome('Database is locked', 'exception'), {
        status: 503,
        statusText: 'Service Unavailable',
      });
      const settled = await result;
      expect(settled[1]!.ok && settled[1]!.result.resources.map((r) => r.id)).toEqual(['o1', 'o2']);
      expect(settled[2]!.ok).toBeFalse();
      expect(!settled[2]!.ok && settled[2]!.status).toBe(503);
      expect(!settled[2]!.ok && settled[2]!.outcome.issue[0]?.details?.text).toBe('Database is locked');
    });

    it('fails as a whole only when the batch request itself fails', async () => {
      const error = await failure(client.searchBatchSettled(searches), (req) =>
        req.flush(null, { status: 401, statusText: 'Unauthorized' }),
      );
      expect(error.status).toBe(401);
    });

    it('a short batch response fails the missing searches only', async () => {
      const settled = await exchange(client.searchBatchSettled(searches), (req) =>
        req.flush({
          resourceType: 'Bundle',
          type: 'batch-response',
          entry: [{ resource: aSearchBundle([aPatient({ id: 'p1' })]), response: { status: '200 OK' } }],
        }),
      );
      expect(settled.map((s) => s.ok)).toEqual([true, false, false]);
      expect(!settled[1]!.ok && settled[1]!.status).toBe(502);
    });
  });

  describe('searchBatch and searchBatchInStages', () => {
    const searches = [
      { resourceType: 'Observation' as const, params: { code: 'summary' } },
      { resourceType: 'Task' as const, params: { status: 'requested' } },
    ];
    const obs = (id: string) => ({
      resourceType: 'Observation' as const,
      id,
      status: 'final' as const,
      code: {},
    });
    const task = (id: string) => ({
      resourceType: 'Task' as const,
      id,
      status: 'requested' as const,
      intent: 'order' as const,
    });
    const batchResponse = (...bundles: Bundle[]): Bundle => ({
      resourceType: 'Bundle',
      type: 'batch-response',
      entry: bundles.map((resource) => ({ resource, response: { status: '200 OK' } })),
    });
    const ids = (result: { resources: readonly { id?: string }[] } | undefined) =>
      result?.resources.map((r) => r.id);

    it('searchBatch emits once, after every next page of every search', async () => {
      const emitted: string[][][] = [];
      const done = new Promise<void>((resolve, reject) =>
        client.searchBatch(searches).subscribe({
          next: (results) => emitted.push(results.map((r) => r.resources.map((x) => x.id ?? ''))),
          complete: resolve,
          error: reject,
        }),
      );
      http
        .expectOne(BASE)
        .flush(
          batchResponse(
            aSearchBundle([obs('o1')], { next: 'Observation?_offset=1' }),
            aSearchBundle([task('t1')]),
          ),
        );
      http
        .expectOne(`${PAGE}/Observation?_offset=1`)
        .flush(aSearchBundle([obs('o2')], { next: 'Observation?_offset=2' }));
      expect(emitted).withContext('nothing before the last page').toEqual([]);
      http.expectOne(`${PAGE}/Observation?_offset=2`).flush(aSearchBundle([obs('o3')]));
      await done;
      expect(emitted).toEqual([[['o1', 'o2', 'o3'], ['t1']]]);
    });

    it('searchBatchInStages shows the first pages at once, then each further page, the last one complete', async () => {
      const stages: {
        obs: (string | undefined)[] | undefined;
        tasks: (string | undefined)[] | undefined;
        complete: boolean;
      }[] = [];
      const done = new Promise<void>((resolve, reject) =>
        client.searchBatchInStages(searches).subscribe({
          next: ({ results, complete }) =>
            stages.push({ obs: ids(results[0]), tasks: ids(results[1]), complete }),
          complete: resolve,
          error: reject,
        }),
      );
      http
        .expectOne(BASE)
        .flush(
          batchResponse(
            aSearchBundle([obs('o1')], { next: 'Observation?_offset=1' }),
            aSearchBundle([task('t1')]),
          ),
        );
      expect(stages).toEqual([{ obs: ['o1'], tasks: ['t1'], complete: false }]);
      http
        .expectOne(`${PAGE}/Observation?_offset=1`)
        .flush(aSearchBundle([obs('o2')], { next: 'Observation?_offset=2' }));
      expect(stages.at(-1)).toEqual({ obs: ['o1', 'o2'], tasks: ['t1'], complete: false });
      http.expectOne(`${PAGE}/Observation?_offset=2`).flush(aSearchBundle([obs('o3')]));
      await done;
      expect(stages.at(-1)).toEqual({ obs: ['o1', 'o2', 'o3'], tasks: ['t1'], complete: true });
      expect(stages.length).toBe(3);
    });

    it('is complete at once when no search has a next link, and at the page limit', async () => {
      const single = firstValueFrom(client.searchBatchInStages(searches));
      http.expectOne(BASE).flush(batchResponse(aSearchBundle([obs('o1')]), aSearchBundle([])));
      expect((await single).complete).toBeTrue();

      const limited: boolean[] = [];
      const done = new Promise<void>((resolve, reject) =>
        client.searchBatchInStages(searches, { maxPages: 2 }).subscribe({
          next: ({ complete }) => limited.push(complete),
          complete: resolve,
          error: reject,
        }),
      );
      http
        .expectOne(BASE)
        .flush(
          batchResponse(aSearchBundle([obs('o1')], { next: 'Observation?_offset=1' }), aSearchBundle([])),
        );
      http
        .expectOne(`${PAGE}/Observation?_offset=1`)
        .flush(aSearchBundle([obs('o2')], { next: 'Observation?_offset=2' }));
      await done;
      expect(limited).toEqual([false, true]);
    });

    it('a failed page fails the stream after the stages it already showed', async () => {
      const stages: boolean[] = [];
      const failed = new Promise<FhirError>((resolve, reject) =>
        client.searchBatchInStages(searches).subscribe({
          next: ({ complete }) => stages.push(complete),
          complete: () => reject(new Error('expected the stream to fail')),
          error: (error: FhirError) => resolve(error),
        }),
      );
      http
        .expectOne(BASE)
        .flush(
          batchResponse(aSearchBundle([obs('o1')], { next: 'Observation?_offset=1' }), aSearchBundle([])),
        );
      http
        .expectOne(`${PAGE}/Observation?_offset=1`)
        .flush(operationOutcome('Database is locked', 'exception'), {
          status: 503,
          statusText: 'Service Unavailable',
        });
      const error = await failed;
      expect(stages).toEqual([false]);
      expect(error.status).toBe(503);
    });
  });

  it('POSTs an instance operation with a Parameters body', async () => {
    await exchange(client.instanceOperation('Patient', 'p1', 'record-export'), (req) => {
      expect(req.request.method).toBe('POST');
      expect(req.request.url).toBe(`${BASE}/Patient/p1/$record-export`);
      expect(JSON.parse(req.request.body as string)).toEqual({ resourceType: 'Parameters' });
      req.flush({ resourceType: 'Parameters' });
    });
    const refused = await firstValueFrom(client.instanceOperation('Patient', 'p1', '../x')).catch(
      (e: unknown) => e,
    );
    expect((refused as FhirError).status).toBe(400);
  });

  it('POSTs a type operation with a Parameters body', async () => {
    const parameters = {
      resourceType: 'Parameters' as const,
      parameter: [{ name: 'query', valueString: 'AuditEvent?date=ge2026-03-10' }],
    };
    await exchange(client.typeOperation('AuditEvent', 'report-export', parameters), (req) => {
      expect(req.request.method).toBe('POST');
      expect(req.request.url).toBe(`${BASE}/AuditEvent/$report-export`);
      expect(JSON.parse(req.request.body as string)).toEqual(parameters);
      req.flush({ resourceType: 'Parameters' });
    });
    const refused = await firstValueFrom(client.typeOperation('AuditEvent', 'x/../y')).catch(
      (e: unknown) => e,
    );
    expect((refused as FhirError).status).toBe(400);
  });

  it('isFhirUrl is true only for the configured server', () => {
    expect(client.isFhirUrl('/fhir/Patient/1')).toBeTrue();
    expect(client.isFhirUrl(`${location.origin}/fhir`)).toBeTrue();
    expect(client.isFhirUrl('/fhirish/Patient')).toBeFalse();
    expect(client.isFhirUrl('/auth/token')).toBeFalse();
    expect(client.isFhirUrl('https://evil.example/fhir/Patient')).toBeFalse();
  });

  it('reads the CapabilityStatement', async () => {
    await exchange(client.capabilities(), (req) => {
      expect(req.request.url).toBe(`${BASE}/metadata`);
      req.flush({
        resourceType: 'CapabilityStatement',
        status: 'active',
        kind: 'instance',
        fhirVersion: '4.0.1',
        format: ['json'],
        date: '2025-01-01',
      });
    });
  });

  it('keeps a Patient typed end to end', async () => {
    const p: Patient = await exchange(client.read('Patient', 'p1'), (req) =>
      req.flush(aPatient({ id: 'p1' })),
    );
    expect(p.resourceType).toBe('Patient');
  });
});
