import type { Observation, Resource, Task } from '@medplum/fhirtypes';

import { cmSchedulePlanDefinition } from '../../../../clinical/cm/cm-schedule';
import { ledgerBatchResponse } from '../../testing/coordination-fixtures';
import { aFentanylScreen, aPatient } from '../../testing/fhir-builders';
import { batchUrls, type CoordinationBed, coordinationBed } from './coordination-test-bed';

const LOCAL = 'http://waypoint.health/fhir/CodeSystem/task-type';

function aReward(
  id: string,
  observation: string,
  points: number,
  status: Task['status'] = 'completed',
): Task {
  return {
    resourceType: 'Task',
    id,
    status,
    intent: 'order',
    code: { coding: [{ system: LOCAL, code: 'cm-reward' }] },
    focus: { reference: `Observation/${observation}` },
    for: { reference: 'Patient/p1' },
    authoredOn: '2026-03-02T12:00:00.000Z',
    output: [{ type: { coding: [{ system: LOCAL, code: 'cm-points' }] }, valueInteger: points }],
  };
}

/**
 * Weekly fentanyl screens (FIXED_NOW is Monday 16 Mar 2026): 23 Feb and 2 Mar negative and rewarded (10, 15),
 * 9 Mar negative and not rewarded yet (due: 20 points, the 3rd in a row), 15 Mar positive, and today's screen
 * not verified yet (preliminary).
 */
function record(): Resource[] {
  const [pending, pendingReport] = aFentanylScreen('p1', 0, false) as [Observation, Resource];
  return [
    aPatient({ id: 'p1', name: [{ given: ['Ada'], family: 'Okafor' }] }),
    ...aFentanylScreen('p1', -21, false),
    ...aFentanylScreen('p1', -14, false),
    ...aFentanylScreen('p1', -7, false),
    ...aFentanylScreen('p1', -1, true),
    { ...pending, status: 'preliminary' },
    pendingReport,
    aReward('r1', 'uds-p1-21', 10),
    aReward('r2', 'uds-p1-14', 15, 'requested'),
  ];
}

describe('Coordination: CM ledger', () => {
  let bed: CoordinationBed;

  afterEach(() => bed.http.verify());

  const line = (observation: string) =>
    bed.el().querySelector<HTMLTableRowElement>(`tr[data-observation="Observation/${observation}"]`);
  const recordButton = (observation: string) => line(observation)?.querySelector<HTMLButtonElement>('button');

  async function open(schedule: Resource[] = []): Promise<void> {
    bed = await coordinationBed('/coordination/patients/p1/cm');
    const request = bed.batch();
    const urls = batchUrls(request);
    expect(urls.at(-3)).toContain('Task?code=http://waypoint.health/fhir/CodeSystem/task-type|cm-reward');
    expect(urls.at(-1)).toBe(
      'PlanDefinition?url=http://waypoint.health/fhir/PlanDefinition/contingency-management',
    );
    request.flush(
      ledgerBatchResponse('p1', record(), [aReward('r1', 'uds-p1-21', 10), aReward('r9', 'x', 40)], schedule),
    );
    await bed.until(() => line('uds-p1-7'), 'the ledger');
  }

  it('shows each screen: rewarded with its points, due with the schedule’s, not eligible and why', async () => {
    await open();
    expect(bed.el().querySelector('h2')?.textContent).toContain('Ada Okafor');
    expect(line('uds-p1-21')?.textContent).toContain('Rewarded — 10 points');
    expect(line('uds-p1-21')?.textContent).toContain('Handed out');
    expect(line('uds-p1-14')?.textContent).toContain('Rewarded — 15 points');
    expect(line('uds-p1-14')?.textContent).toContain('To hand out');
    expect(line('uds-p1-7')?.textContent).toContain('Due — 20 points');
    expect(line('uds-p1-1')?.textContent).toContain('Not eligible: positive');
    expect(line('uds-p1-0')?.textContent).toContain('Not eligible: not verified');
    expect(recordButton('uds-p1-7')?.disabled).toBeFalse();
    expect(recordButton('uds-p1-1')?.disabled).toBeTrue();
    expect(recordButton('uds-p1-0')?.disabled).toBeTrue();
    expect(recordButton('uds-p1-21')).toBeNull();
    const totals = bed.el().querySelector('.totals')?.textContent ?? '';
    expect(totals).toContain('25 points in 2 rewards');
    expect(totals).toContain('20 points');
    expect(totals).toContain('50 points for 1 enrolled patients');
    expect(bed.el().textContent).toContain('Notice: 42 CFR part 2');
  });

  it('applies the clinic’s own schedule (its PlanDefinition), and says when it is not valid', async () => {
    await open([
      cmSchedulePlanDefinition({
        id: 'flat',
        name: 'Points 5, +3, cap 12',
        start: 5,
        step: 3,
        cap: 12,
        maxRewardsPerWeek: 1,
        missedWeekResets: false,
      }),
    ]);
    expect(line('uds-p1-7')?.textContent).toContain('Due — 11 points');
    expect(bed.el().textContent).toContain('5 points for the first verified negative screen');
  });

  it('disables rewards when the clinic’s schedule states no valid numbers', async () => {
    const broken = { ...cmSchedulePlanDefinition(), extension: [] };
    await open([broken]);
    expect(bed.el().textContent).toContain("The clinic's CM schedule is not valid");
    expect(recordButton('uds-p1-7')?.disabled).toBeTrue();
  });

  it('records a due reward once: a conditional create on the screen, then the ledger again', async () => {
    await open();
    recordButton('uds-p1-7')?.click();
    const post = bed.http.expectOne((r) => r.method === 'POST' && r.url === '/fhir/Task');
    expect(decodeURIComponent(post.request.headers.get('If-None-Exist') ?? '')).toBe(
      'code=http://waypoint.health/fhir/CodeSystem/task-type|cm-reward&focus=Observation/uds-p1-7' +
        '&status:not=cancelled&status:not=entered-in-error',
    );
    const sent = JSON.parse(post.request.body as string) as Task;
    expect(sent.focus?.reference).toBe('Observation/uds-p1-7');
    expect(sent.for?.reference).toBe('Patient/p1');
    expect(sent.output?.[0]?.valueInteger).toBe(20);
    post.flush({ ...sent, id: 'r3', meta: { versionId: '1' } }, { status: 201, statusText: 'Created' });
    await bed.until(
      () => (bed.el().textContent?.includes('Reward recorded: 20 points') ? true : null),
      'success',
    );
    bed.batch().flush(ledgerBatchResponse('p1', [...record(), { ...sent, id: 'r3' }]));
    await bed.until(
      () => (line('uds-p1-7')?.textContent?.includes('Rewarded — 20 points') ? true : null),
      'rewarded',
    );
  });

  it('shows the server’s refusal as the server words it', async () => {
    await open();
    recordButton('uds-p1-7')?.click();
    bed.http
      .expectOne((r) => r.method === 'POST' && r.url === '/fhir/Task')
      .flush(
        {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'business-rule',
              details: { text: 'A positive screen earns no reward: the streak starts again.' },
            },
          ],
        },
        { status: 422, statusText: 'Unprocessable Entity' },
      );
    const alert = await bed.until(
      () =>
        Array.from(bed.el().querySelectorAll('[role="alert"]')).find((a) =>
          a.textContent?.includes('not recorded'),
        ),
      'the refusal',
    );
    expect(alert.textContent).toContain('A positive screen earns no reward: the streak starts again.');
    bed.batch().flush(ledgerBatchResponse('p1', record()));
  });

  it('says so when the server already held a reward for the screen (the conditional create matched)', async () => {
    await open();
    recordButton('uds-p1-7')?.click();
    bed.http
      .expectOne((r) => r.method === 'POST' && r.url === '/fhir/Task')
      .flush({ ...aReward('r-other', 'uds-p1-7', 20, 'requested'), meta: { versionId: '1' } });
    const alert = await bed.until(
      () =>
        Array.from(bed.el().querySelectorAll('[role="alert"]')).find((a) =>
          a.textContent?.includes('not recorded'),
        ),
      'the refusal',
    );
    // The server's rule in its own words: the same check it runs on a plain create.
    expect(alert.textContent).toContain(
      'This screen (9 Mar 2026) was already rewarded on 2 Mar 2026: one reward per screen.',
    );
    bed
      .batch()
      .flush(ledgerBatchResponse('p1', [...record(), aReward('r-other', 'uds-p1-7', 20, 'requested')]));
  });

  it('prints the statement only after the server recorded the export', async () => {
    await open();
    const print = spyOn(window, 'print');
    Array.from(bed.el().querySelectorAll('button'))
      .find((b) => b.textContent?.includes('Print statement'))
      ?.click();
    const exported = bed.http.expectOne({ method: 'POST', url: '/fhir/Patient/p1/$record-export' });
    expect(print).not.toHaveBeenCalled();
    exported.flush({ resourceType: 'Parameters' });
    await bed.until(() => (print.calls.count() === 1 ? true : null), 'the print dialog');
  });
});
