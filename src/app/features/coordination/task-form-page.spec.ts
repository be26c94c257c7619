import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { Task } from '@medplum/fhirtypes';

import {
  aFollowUpTask,
  COORDINATOR,
  COUNSELOR_STAFF,
  programBatchResponse,
} from '../../testing/coordination-fixtures';
import { type CoordinationBed, coordinationBed } from './coordination-test-bed';

describe('Coordination: task form', () => {
  let bed: CoordinationBed;

  afterEach(() => bed.http.verify());

  const loader = () => TestbedHarnessEnvironment.loader(bed.harness.fixture);
  const rootLoader = () => TestbedHarnessEnvironment.documentRootLoader(bed.harness.fixture);
  const input = (name: string) =>
    loader().getHarness(MatInputHarness.with({ selector: `[formcontrolname="${name}"]` }));
  const text = () => bed.el().textContent ?? '';
  const submit = async (name: string) =>
    (await loader().getHarness(MatButtonHarness.with({ text: name }))).click();

  async function openNew(query: string): Promise<void> {
    bed = await coordinationBed(`/coordination/tasks/new?${query}`);
    bed.batch().flush(programBatchResponse());
    await bed.until(() => (text().includes('New task') ? true : null), 'the form');
    await bed.stable();
  }

  it('is pre-filled from the grid row: the patient, what to do and why, me as owner, due in 2 days', async () => {
    await openNew(
      'patient=p2&description=Call%20about%20missed%20doses&reason=3%20observed%20doses%20missed',
    );
    expect(await (await input('description')).getValue()).toBe('Call about missed doses');
    expect(await (await input('reason')).getValue()).toBe('3 observed doses missed');
    expect(await (await input('due')).getValue()).toBe('2026-03-18');
    const patient = await loader().getHarness(
      MatSelectHarness.with({ selector: '[formcontrolname="patientId"]' }),
    );
    expect(await patient.getValueText()).toBe('Ben Ruiz');
    const owner = await loader().getHarness(MatSelectHarness.with({ selector: '[formcontrolname="owner"]' }));
    expect(await owner.getValueText()).toBe('Casey Coordinator — Care coordinator');
  });

  it('refuses an empty description and a past due date with messages, sending nothing', async () => {
    await openNew('patient=p1&description=x');
    await (await input('description')).setValue('');
    await (await input('due')).setValue('2026-03-10');
    await submit('Create task');
    await bed.stable();
    expect(text()).toContain('Say what needs doing.');
    expect(text()).toContain('A new task cannot be due before today.');
    expect(text()).toContain('2 fields need attention before the task can be saved.');
    bed.http.expectNone((r) => r.url.endsWith('/Task'));
  });

  it('creates the Task (patient, owner, due, priority, follow-up code) and goes to My tasks', async () => {
    await openNew('patient=p1&description=Supply%20ends%2017%20Mar%202026');
    const owner = await loader().getHarness(MatSelectHarness.with({ selector: '[formcontrolname="owner"]' }));
    await owner.open();
    await owner.clickOptions({ text: 'Dana Whitfield — Counselor' });
    await submit('Create task');
    const post = bed.http.expectOne((r) => r.method === 'POST' && r.url === '/fhir/Task');
    const sent = JSON.parse(post.request.body as string) as Task;
    expect(sent.status).toBe('requested');
    expect(sent.intent).toBe('order');
    expect(sent.for?.reference).toBe('Patient/p1');
    expect(sent.owner?.reference).toBe(COUNSELOR_STAFF);
    expect(sent.requester?.reference).toBe(COORDINATOR);
    expect(sent.restriction?.period?.end).toBe('2026-03-18');
    expect(sent.priority).toBe('routine');
    expect(sent.description).toBe('Supply ends 17 Mar 2026');
    expect(sent.code?.coding?.[0]?.code).toBe('follow-up');
    post.flush({ ...sent, id: 'new-1', meta: { versionId: '1' } }, { status: 201, statusText: 'Created' });
    await bed.until(() => (bed.router.url === '/coordination/tasks' ? true : null), 'My tasks');
    bed.batch().flush(programBatchResponse());
  });

  it('keeps everything typed when the save fails and shows the server’s OperationOutcome', async () => {
    await openNew('patient=p1&description=Call');
    await (await input('description')).setValue('Call the pharmacy about the refill');
    await (await input('reason')).setValue('Supply covers through 17 Mar');
    await submit('Create task');
    bed.http
      .expectOne((r) => r.method === 'POST' && r.url === '/fhir/Task')
      .flush(
        {
          resourceType: 'OperationOutcome',
          issue: [
            { severity: 'error', code: 'forbidden', details: { text: 'Task owner must be active staff' } },
          ],
        },
        { status: 403, statusText: 'Forbidden' },
      );
    const alert = await bed.until(
      () =>
        Array.from(bed.el().querySelectorAll('[role="alert"]')).find((a) =>
          a.textContent?.includes('not saved'),
        ),
      'the failure',
    );
    expect(alert.textContent).toContain('Task owner must be active staff');
    expect(await (await input('description')).getValue()).toBe('Call the pharmacy about the refill');
    expect(await (await input('reason')).getValue()).toBe('Supply covers through 17 Mar');
    expect(bed.router.url).toContain('/coordination/tasks/new');
  });

  it('updates with If-Match; a 412 opens the conflict dialog and "keep mine" saves on their version', async () => {
    bed = await coordinationBed('/coordination/tasks/t1');
    bed.batch().flush(programBatchResponse());
    const original = aFollowUpTask({ id: 't1', patient: 'p1', description: 'Call Ada', dueDays: 2 });
    bed.http.expectOne({ method: 'GET', url: '/fhir/Task/t1' }).flush(original);
    await bed.until(() => (text().includes('Edit task') ? true : null), 'the edit form');
    await bed.stable();
    expect(await (await input('description')).getValue()).toBe('Call Ada');
    await (await input('description')).setValue('Call Ada about her refill');
    await submit('Save task');

    const put = bed.http.expectOne({ method: 'PUT', url: '/fhir/Task/t1' });
    expect(put.request.headers.get('If-Match')).toBe('W/"1"');
    put.flush(
      { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict' }] },
      { status: 412, statusText: 'Precondition Failed' },
    );
    // Someone reassigned it meanwhile.
    const theirs = { ...original, meta: { versionId: '2' }, owner: { reference: COUNSELOR_STAFF } };
    (await bed.request({ method: 'GET', url: '/fhir/Task/t1' }, 'the re-read')).flush(theirs);
    const dialog = await rootLoader().getHarness(MatDialogHarness);
    expect(await dialog.getTitleText()).toBe('This task was changed elsewhere');
    const content = await dialog.getContentText();
    expect(content).toContain('Call Ada about her refill');
    expect(content).toContain('Dana Whitfield');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Save mine on top of theirs' }))).click();

    const again = await bed.request({ method: 'PUT', url: '/fhir/Task/t1' }, 'the second save');
    expect(again.request.headers.get('If-Match')).toBe('W/"2"');
    const body = JSON.parse(again.request.body as string) as Task;
    expect(body.description).toBe('Call Ada about her refill');
    expect(body.owner?.reference).toBe(COUNSELOR_STAFF);
    again.flush({ ...body, meta: { versionId: '3' } });
    await bed.until(() => (bed.router.url === '/coordination/tasks' ? true : null), 'My tasks');
    bed.batch().flush(programBatchResponse());
  });
});
