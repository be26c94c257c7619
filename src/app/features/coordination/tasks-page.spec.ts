import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import type { Task } from '@medplum/fhirtypes';

import {
  aFollowUpTask,
  COUNSELOR_STAFF,
  PROGRAM,
  programBatchResponse,
} from '../../testing/coordination-fixtures';
import { type CoordinationBed, coordinationBed } from './coordination-test-bed';

const TASKS: Task[] = [
  aFollowUpTask({ id: 't-mine', patient: 'p1', description: 'Call Ada about her refill', dueDays: 1 }),
  aFollowUpTask({
    id: 't-late',
    patient: 'p2',
    description: 'Call Ben about missed doses',
    dueDays: -2,
    priority: 'urgent',
  }),
  aFollowUpTask({
    id: 't-other',
    patient: 'p3',
    description: 'Book a session with Cy',
    owner: COUNSELOR_STAFF,
    dueDays: -1,
  }),
  aFollowUpTask({ id: 't-done', patient: 'p1', description: 'Done already', status: 'completed' }),
  {
    ...aFollowUpTask({ id: 't-cosign', patient: 'p1', description: 'Co-sign session note' }),
    code: { coding: [{ system: 'http://waypoint.health/fhir/CodeSystem/task-type', code: 'cosign' }] },
  },
];

describe('Coordination: tasks', () => {
  let bed: CoordinationBed;

  afterEach(() => bed.http.verify());

  const rows = () =>
    Array.from(bed.el().querySelectorAll<HTMLTableRowElement>('tbody tr')).map((r) =>
      r.getAttribute('data-task-id'),
    );

  async function open(url: string): Promise<void> {
    bed = await coordinationBed(url);
    bed.batch().flush(programBatchResponse(PROGRAM, TASKS));
    await bed.until(() => (rows().length > 0 ? true : null), 'the task list');
  }

  it('"My tasks" lists my open work items, overdue first; co-sign Tasks and completed ones are left out', async () => {
    await open('/coordination/tasks');
    expect(rows()).toEqual(['t-late', 't-mine']);
    const late = bed.el().querySelector('tr[data-task-id="t-late"]');
    expect(late?.textContent).toContain('Ben Ruiz');
    expect(late?.textContent).toContain('14 Mar 2026 — overdue');
    expect(late?.textContent).toContain('Urgent');
    const tabs = Array.from(bed.el().querySelectorAll('.views [mat-tab-link]')).map((t) =>
      t.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(tabs).toEqual(['My tasks (2)', 'Overdue (2)', 'All open (3)']);
  });

  it('"Overdue" lists anyone’s open tasks past their due date', async () => {
    await open('/coordination/tasks/overdue');
    expect(rows()).toEqual(['t-late', 't-other']);
    expect(bed.el().querySelector('h3')?.textContent?.trim()).toBe('Overdue');
  });

  it('completes a task with If-Match and takes it off the list', async () => {
    await open('/coordination/tasks');
    const loader = TestbedHarnessEnvironment.loader(bed.harness.fixture);
    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Complete task: Call Ada about her refill"]' }),
      )
    ).click();
    const put = bed.http.expectOne({ method: 'PUT', url: '/fhir/Task/t-mine' });
    expect(put.request.headers.get('If-Match')).toBe('W/"1"');
    const sent = JSON.parse(put.request.body as string) as Task;
    expect(sent.status).toBe('completed');
    expect(sent.executionPeriod?.end).toBe('2026-03-16T12:00:00.000Z');
    put.flush({ ...sent, meta: { versionId: '2' } });
    await bed.until(() => (rows().length === 1 ? true : null), 'the list without it');
    expect(rows()).toEqual(['t-late']);
    const announced = await bed.until(
      () => bed.el().querySelector('[role="status"][aria-live="polite"]')?.textContent?.trim() || null,
      'the announcement',
    );
    expect(announced).toBe('Completed: Call Ada about her refill (Ada Okafor).');
  });

  it('a version conflict on complete opens the dialog; "keep theirs" changes nothing', async () => {
    await open('/coordination/tasks');
    const loader = TestbedHarnessEnvironment.loader(bed.harness.fixture);
    await (
      await loader.getHarness(
        MatButtonHarness.with({ selector: '[aria-label="Complete task: Call Ada about her refill"]' }),
      )
    ).click();
    bed.http
      .expectOne({ method: 'PUT', url: '/fhir/Task/t-mine' })
      .flush(
        { resourceType: 'OperationOutcome', issue: [] },
        { status: 412, statusText: 'Precondition Failed' },
      );
    const theirs = {
      ...TASKS[0],
      meta: { versionId: '2' },
      description: 'Call Ada and the pharmacy',
    } as Task;
    (await bed.request({ method: 'GET', url: '/fhir/Task/t-mine' }, 'the re-read')).flush(theirs);
    const dialog = await TestbedHarnessEnvironment.documentRootLoader(bed.harness.fixture).getHarness(
      MatDialogHarness,
    );
    expect(await dialog.getContentText()).toContain('Call Ada and the pharmacy');
    await (await dialog.getHarness(MatButtonHarness.with({ text: 'Keep theirs' }))).click();
    await bed.until(
      () =>
        bed.el().querySelector('tr[data-task-id="t-mine"]')?.textContent?.includes('pharmacy') ? true : null,
      'their version listed',
    );
    bed.http.expectNone({ method: 'PUT', url: '/fhir/Task/t-mine' });
  });
});
