// A demo patient's urine drug screens (DiagnosticReport + one Observation per substance) and contingency-
// management rewards.
import type { DiagnosticReport, Observation, Task } from '@medplum/fhirtypes';

import {
  CM_POINTS_OUTPUT,
  LOCAL_SYSTEM,
  SCREEN_RESULT,
  type Substance,
  SYSTEM,
  TASK_CODE,
  UDS_PANEL,
  UDS_TESTS,
} from '../../../clinical/terminology';
import { isCovered, type WeekState } from './patient-plan';
import {
  CLINIC,
  localCoding,
  OBS_CATEGORY,
  type RecordContext,
  ref,
  type Session,
  toInstant,
} from './record-context';
import { followUpTask } from './record-tasks';
import { practitionerRef } from './staff';

/** The UDS panel the demo clinic runs: one Observation per substance (first LOINC code per substance). */
const DEMO_UDS_PANEL: readonly { readonly code: string; readonly substance: Substance }[] = [
  { code: '59673-4', substance: 'fentanyl' },
  { code: '19295-5', substance: 'opiates' },
  { code: '19321-9', substance: 'heroin' },
  { code: '89302-4', substance: 'oxycodone' },
  { code: '93494-3', substance: 'buprenorphine' },
  { code: '19550-3', substance: 'methadone' },
  { code: '93495-0', substance: 'methadone' },
  { code: '3394-4', substance: 'cocaine' },
  { code: '3349-8', substance: 'amphetamine' },
  { code: '3390-2', substance: 'benzodiazepine' },
];

const INTERPRETATION = {
  positive: { system: SYSTEM.observationInterpretation, code: 'POS', display: 'Positive' },
  negative: { system: SYSTEM.observationInterpretation, code: 'NEG', display: 'Negative' },
} as const;

export function udsResources(record: RecordContext, sessions: Session[]): void {
  const { plan, random, clock } = record;
  let cmStreak = 0;
  let lastPositiveTaskDay = -10_000;
  for (let w = 0; w < plan.weeks.length; w++) {
    const week = plan.weeks[w] as WeekState;
    const weekStart = plan.start + 7 * w;
    if (weekStart > plan.lastDay) break;
    const attendedDay = sessions.find((s) => s.week === w && s.encounter !== undefined);
    let day: number | undefined;
    if (week.noUds) day = undefined;
    else if (week.forceUds) day = Math.min(plan.lastDay, weekStart + 2);
    else if (plan.mat.drug === 'methadone' && isCovered(plan.mat, weekStart + 1) && random.chance(0.95))
      day = weekStart + 1;
    else if (attendedDay && random.chance(0.93)) day = attendedDay.day;
    else if (!attendedDay && random.chance(0.35)) day = weekStart + random.int(1, 4);
    if (day === undefined || day > plan.lastDay || day < plan.start) {
      if (plan.cm) cmStreak = 0;
      continue;
    }
    const hour = attendedDay?.day === day ? attendedDay.hour : 11;
    const collected = clock.at(day, hour, 30);
    // Point-of-care immunoassay cup: read within the visit.
    const issued = clock.at(day, hour + 1);
    const recentlyDosed = (d: number) =>
      isCovered(plan.mat, d) || isCovered(plan.mat, d - 1) || isCovered(plan.mat, d - 2);
    const longActingOnBoard =
      plan.mat.product.longActing === true && plan.mat.drug === 'buprenorphine' && day >= plan.mat.start;
    const positive: Record<Substance, boolean> = {
      fentanyl: week.opioid === 'fentanyl' || (week.opioid === 'heroin' && random.chance(0.7)),
      opiates: week.opioid === 'heroin' || (week.opioid === 'oxycodone' && random.chance(0.3)),
      heroin: week.opioid === 'heroin' && random.chance(0.6),
      oxycodone: week.opioid === 'oxycodone',
      buprenorphine: plan.mat.drug === 'buprenorphine' && (recentlyDosed(day) || longActingOnBoard),
      methadone: plan.mat.drug === 'methadone' && recentlyDosed(day),
      cocaine: week.stimulant === 'cocaine',
      amphetamine: week.stimulant === 'amphetamine',
      benzodiazepine: week.benzo,
      cannabinoid: false,
    };
    const observations = DEMO_UDS_PANEL.map(({ code, substance }) => {
      const test = UDS_TESTS.find((t) => t.code === code);
      const pos = positive[substance];
      return record.push<Observation>({
        resourceType: 'Observation',
        id: record.ids.next(),
        meta: record.meta(issued),
        status: 'final',
        category: OBS_CATEGORY('laboratory'),
        code: { coding: [{ system: SYSTEM.loinc, code, display: test?.display ?? code }] },
        subject: record.patientRef,
        effectiveDateTime: collected,
        issued: toInstant(issued),
        valueCodeableConcept: {
          coding: [{ ...(pos ? SCREEN_RESULT.positive : SCREEN_RESULT.negative) }],
          text: pos ? 'Positive' : 'Negative',
        },
        interpretation: [{ coding: [{ ...(pos ? INTERPRETATION.positive : INTERPRETATION.negative) }] }],
      });
    });
    const report = record.push<DiagnosticReport>({
      resourceType: 'DiagnosticReport',
      id: record.ids.next(),
      meta: record.meta(issued),
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'LAB', display: 'Laboratory' },
          ],
        },
      ],
      code: { coding: [{ system: SYSTEM.loinc, code: UDS_PANEL.code, display: UDS_PANEL.display }] },
      subject: record.patientRef,
      ...(attendedDay?.day === day && attendedDay.encounter ? { encounter: ref(attendedDay.encounter) } : {}),
      effectiveDateTime: collected,
      issued: toInstant(issued),
      performer: [CLINIC],
      result: observations.map((o) => ref(o)),
      conclusion: conclusion(record, positive),
    });
    const illicit = positive.fentanyl || positive.opiates || positive.heroin || positive.oxycodone;
    const stim = positive.cocaine || positive.amphetamine;
    if (illicit && day - lastPositiveTaskDay > 14 && day + 1 < -1) {
      lastPositiveTaskDay = day;
      followUpTask(
        record,
        day + 1,
        'Positive for non-prescribed opioids: overdose education, offer naloxone kit, inform prescriber',
        ref(report),
        day + 1 < -3 ? 'completed' : 'requested',
      );
    }
    if (plan.cm) {
      if (!illicit && !stim) {
        cmStreak++;
        const fentanylObs = observations[0] as Observation;
        const points = Math.min(40, 10 + 5 * (cmStreak - 1));
        const pending = day + 1 >= -2;
        record.push<Task>({
          resourceType: 'Task',
          id: record.ids.next(),
          meta: record.meta(issued),
          status: pending ? 'requested' : 'completed',
          intent: 'order',
          code: {
            coding: [localCoding(LOCAL_SYSTEM.task, TASK_CODE.cmReward, 'Contingency-management reward')],
          },
          description: `CM reward: negative UDS of ${clock.date(day)} (${cmStreak} in a row, ${points} points)`,
          focus: ref(fentanylObs),
          for: record.patientRef,
          authoredOn: issued,
          lastModified: issued,
          owner: practitionerRef(record.staff.coordinator),
          reasonReference: ref(report),
          output: [
            {
              type: {
                coding: [localCoding(LOCAL_SYSTEM.task, CM_POINTS_OUTPUT, 'CM points')],
                text: 'points',
              },
              valueInteger: points,
            },
          ],
        });
      } else {
        cmStreak = 0;
      }
    }
  }
  // Coordinator outreach for MAT gaps (missed observed doses, supply run out, late injection).
  for (const [from] of plan.mat.gaps) {
    if (from + 2 < -1) {
      followUpTask(
        record,
        from + 2,
        `MAT gap: no ${plan.mat.drug} since ${clock.date(from - 1)}; call patient and inform prescriber`,
        undefined,
        from + 2 < -3 ? 'completed' : 'requested',
      );
    }
  }
}

function conclusion(record: RecordContext, positive: Record<Substance, boolean>): string {
  const found = (Object.keys(positive) as Substance[]).filter((s) => positive[s]);
  return found.length === 0 ? 'Negative for all substances tested.' : `Positive: ${found.join(', ')}.`;
}
