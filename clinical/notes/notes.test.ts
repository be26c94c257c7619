import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { Provenance, QuestionnaireResponse, QuestionnaireResponseItem, Task } from '@medplum/fhirtypes';

import {
  cbtExposure,
  cbtThoughtRecord,
  dbtDiaryCard,
  diarySkillAnswer,
  NOTE_TEMPLATE_QUESTIONNAIRES,
  rebtAbcde,
  sessionFrame,
} from '../templates/index';
import { noteCrisisResources, riskCheckPositive } from './crisis-resources';
import { copyForwardItems, noteChanges, noteHistory } from './note-history';
import {
  cosignTask,
  isFutureSession,
  isLateEntry,
  needsCosign,
  noteChip,
  noteTransition,
  reviseTask,
  signatureProvenance,
} from './note-lifecycle';
import {
  cptDurationProblem,
  extractObservations,
  isEnabled,
  validateNote,
  withAggregates,
} from './note-rules';
import { NEW_NOTE_TEMPLATES, noteTemplateOf } from './note-templates';
import { firstValue } from './response-items';

const v = (value: string | number | boolean) =>
  typeof value === 'string'
    ? { valueString: value }
    : typeof value === 'number'
      ? { valueInteger: value }
      : { valueBoolean: value };
const q = (linkId: string, ...values: (string | number | boolean)[]): QuestionnaireResponseItem => ({
  linkId,
  answer: values.map(v),
});
const g = (linkId: string, ...item: QuestionnaireResponseItem[]): QuestionnaireResponseItem => ({
  linkId,
  item,
});

/** A complete frame: 45 minutes billed 90834, DAP, risk check. */
function frame(minutes = 45, cpt = '90834'): QuestionnaireResponseItem[] {
  return [
    g(
      'session',
      q('session.modality', 'In person'),
      { linkId: 'session.date', answer: [{ valueDate: '2026-03-12' }] },
      { linkId: 'session.start', answer: [{ valueTime: '10:00:00' }] },
      { linkId: 'session.end', answer: [{ valueTime: '10:45:00' }] },
      q('session.duration', minutes),
      {
        linkId: 'session.cpt',
        answer: [{ valueCoding: { system: 'http://www.ama-assn.org/go/cpt', code: cpt } }],
      },
    ),
    q('format', 'DAP'),
    g(
      'dap',
      q('dap.data', 'Reports two cravings.'),
      q('dap.assessment', 'Engaged.'),
      q('dap.plan', 'Continue.'),
    ),
    g('risk', q('risk.suicidal-ideation', 'None reported'), q('risk.overdose', 'Low')),
    q('craving', 4),
    q('homework', 'Two thought records on cravings.'),
  ];
}

function note(
  items: QuestionnaireResponseItem[],
  extra: Partial<QuestionnaireResponse> = {},
): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    id: 'n1',
    status: 'in-progress',
    subject: { reference: 'Patient/p1' },
    encounter: { reference: 'Encounter/e1' },
    authored: '2026-03-12T11:00:00Z',
    item: items,
    ...extra,
  };
}

describe('note lifecycle', () => {
  test('drafts are edited and signed; signed notes are only amended; nothing returns to a draft', () => {
    assert.equal(noteTransition(undefined, 'in-progress'), 'create-draft');
    assert.equal(noteTransition('in-progress', 'in-progress'), 'edit-draft');
    assert.equal(noteTransition('in-progress', 'completed'), 'sign');
    assert.equal(noteTransition('completed', 'amended'), 'amend');
    assert.equal(noteTransition('amended', 'amended'), 'amend');
    assert.equal(noteTransition('in-progress', 'entered-in-error'), 'discard-draft');
    for (const [from, to] of [
      ['completed', 'completed'],
      ['completed', 'in-progress'],
      ['amended', 'completed'],
      ['amended', 'in-progress'],
      ['completed', 'entered-in-error'],
      ['entered-in-error', 'in-progress'],
      [undefined, 'amended'],
    ] as const) {
      assert.equal(noteTransition(from, to), undefined, `${from} → ${to}`);
    }
  });

  test('late entry: 72 h after the session is on time, 72 h and a minute is late', () => {
    assert.equal(isLateEntry('2026-03-12T11:00:00Z', '2026-03-15T11:00:00Z'), false);
    assert.equal(isLateEntry('2026-03-12T11:00:00Z', '2026-03-15T11:01:00Z'), true);
  });

  test('a session starting more than 5 minutes after the signature has not taken place: it cannot be signed', () => {
    // Signed at 10:00: a session at 10:05 is within the clocks' tolerance, one at 10:06 is in the future.
    assert.equal(isFutureSession('2026-03-16T10:05:00Z', '2026-03-16T10:00:00Z'), false);
    assert.equal(isFutureSession('2026-03-16T10:06:00Z', '2026-03-16T10:00:00Z'), true);
    assert.equal(isFutureSession('2026-03-16T09:00:00Z', '2026-03-16T10:00:00Z'), false);
    assert.equal(isFutureSession(undefined, '2026-03-16T10:00:00Z'), false);
  });

  test('a signature targets the exact version, names the agent type and carries the reason', () => {
    const p = signatureProvenance({
      target: 'QuestionnaireResponse/n1/_history/3',
      who: { reference: 'Practitioner/c1' },
      recorded: '2026-03-16T09:00:00Z',
      kind: 'amend',
      reason: 'Corrected the CPT code',
    });
    assert.deepEqual(p.target, [{ reference: 'QuestionnaireResponse/n1/_history/3' }]);
    assert.equal(p.agent[0]?.type?.coding?.[0]?.code, 'author');
    assert.equal(p.signature?.[0]?.type[0]?.code, '1.2.840.10065.1.12.1.1');
    assert.equal(p.reason?.[0]?.text, 'Corrected the CPT code');
    const cosign = signatureProvenance({
      target: 'QuestionnaireResponse/n1/_history/3',
      who: { reference: 'Practitioner/s1' },
      recorded: '2026-03-16T10:00:00Z',
      kind: 'cosign',
    });
    assert.equal(cosign.agent[0]?.type?.coding?.[0]?.code, 'verifier');
  });

  test('associates need a co-signature; chips follow the Tasks and Provenances', () => {
    const role = (codes: string[]) => ({
      resourceType: 'PractitionerRole' as const,
      active: true,
      code: codes.map((code) => ({
        coding: [{ system: 'http://waypoint.health/fhir/CodeSystem/staff-role', code }],
      })),
    });
    assert.equal(needsCosign([role(['counselor'])]), false);
    assert.equal(needsCosign([role(['counselor', 'associate'])]), true);
    assert.equal(needsCosign([{ ...role(['counselor', 'associate']), active: false }]), false);

    const signed = { id: 'n1', status: 'completed' as const, meta: { versionId: '2' } };
    const ref = { reference: 'QuestionnaireResponse/n1' };
    const who = { reference: 'Practitioner/c1' };
    const sup = { reference: 'Practitioner/s1' };
    const open = cosignTask(ref, { reference: 'Patient/p1' }, who, sup, '2026-03-12T12:00:00Z');
    assert.equal(noteChip(signed, [], []), 'signed');
    assert.equal(noteChip(signed, [], [open]), 'cosign-pending');
    const returned = reviseTask(
      ref,
      { reference: 'Patient/p1' },
      sup,
      who,
      'Add the plan.',
      '2026-03-13T09:00:00Z',
    );
    assert.equal(noteChip(signed, [], [{ ...open, status: 'rejected' }, returned]), 'returned');
    const verified: Provenance = signatureProvenance({
      target: 'QuestionnaireResponse/n1/_history/2',
      who: sup,
      recorded: '2026-03-14T09:00:00Z',
      kind: 'cosign',
    });
    assert.equal(noteChip(signed, [verified], [{ ...open, status: 'completed' }]), 'cosigned');
    // A co-signature of version 2 does not cover version 3.
    assert.equal(
      noteChip({ ...signed, status: 'amended', meta: { versionId: '3' } }, [verified], []),
      'amended',
    );
    assert.equal(noteChip({ id: 'n1', status: 'in-progress' }, [], []), 'draft');
  });

  test('history lists signature, co-sign request, return and amendment in time order', () => {
    const who = { reference: 'Practitioner/c1', display: 'Casey' };
    const sup = { reference: 'Practitioner/s1', display: 'Sam' };
    const ref = { reference: 'QuestionnaireResponse/n1' };
    const sig = signatureProvenance({
      target: 'QuestionnaireResponse/n1/_history/2',
      who,
      recorded: '2026-03-12T12:00:00Z',
      kind: 'sign',
    });
    const amend = signatureProvenance({
      target: 'QuestionnaireResponse/n1/_history/3',
      who,
      recorded: '2026-03-14T08:00:00Z',
      kind: 'amend',
      reason: 'Added the plan',
    });
    const tasks: Task[] = [
      cosignTask(ref, { reference: 'Patient/p1' }, who, sup, '2026-03-12T12:00:01Z'),
      reviseTask(ref, { reference: 'Patient/p1' }, sup, who, 'Add the plan.', '2026-03-13T09:00:00Z'),
    ];
    assert.deepEqual(
      noteHistory('n1', [amend, sig], tasks).map((e) => [e.kind, e.when]),
      [
        ['signed', '2026-03-12T12:00:00Z'],
        ['co-sign requested', '2026-03-12T12:00:01Z'],
        ['returned', '2026-03-13T09:00:00Z'],
        ['amended', '2026-03-14T08:00:00Z'],
      ],
    );
  });
});

describe('note validation', () => {
  test('CPT time rule: 90834 needs 38–52 minutes (37 and 53 fail), group therapy has no time rule', () => {
    assert.equal(cptDurationProblem('90834', 38), undefined);
    assert.equal(cptDurationProblem('90834', 52), undefined);
    assert.equal(
      cptDurationProblem('90834', 37),
      'CPT 90834 needs 38–52 face-to-face minutes; this session has 37.',
    );
    assert.match(cptDurationProblem('90834', 53) ?? '', /needs 38–52/);
    assert.equal(cptDurationProblem('90837', 60), undefined);
    assert.match(cptDurationProblem('90837', 50) ?? '', /53 or more/);
    assert.equal(cptDurationProblem('90853', 5), undefined);
  });

  test('a complete frame note may be signed; a missing required item or a wrong CPT says which', () => {
    assert.deepEqual(validateNote(sessionFrame, note(frame())), []);
    const problems = validateNote(sessionFrame, note(frame(37)));
    assert.deepEqual(
      problems.map((p) => p.linkId),
      ['session.cpt'],
    );
    const noRisk = note(frame().filter((i) => i.linkId !== 'risk'));
    assert.deepEqual(
      validateNote(sessionFrame, noRisk).map((p) => p.message),
      ['Suicidal ideation is required.', 'Overdose risk is required.'],
    );
  });

  test('the BIRP section is not asked when the clinic writes DAP (enableWhen)', () => {
    const birp = sessionFrame.item?.find((i) => i.linkId === 'birp');
    assert.ok(birp);
    assert.equal(isEnabled(birp, note(frame())), false);
    const dap = sessionFrame.item?.find((i) => i.linkId === 'dap');
    assert.ok(dap && isEnabled(dap, note(frame())));
  });

  test('thought record: the hot thought group is required, ratings stay within 0–100', () => {
    const items = [
      ...frame(),
      g(
        'thought-record',
        q('tr.situation', 'Payday, alone at home'),
        g('tr.mood', q('tr.mood.name', 'Anxious'), q('tr.mood.rating', 140)),
        g('tr.balanced', q('tr.balanced.text', 'I have handled paydays before.')),
      ),
    ];
    assert.deepEqual(
      validateNote(cbtThoughtRecord, note(items)).map((p) => p.linkId),
      ['tr.mood.rating', 'tr.thought'],
    );
  });
});

describe('extraction', () => {
  test('exposure: the three SUDS ratings and the frame craving become Observations linked to the note', () => {
    const items = [
      ...frame(),
      g(
        'exposure',
        q('ex.item', 'Drive past the old corner'),
        q('ex.suds-before', 70),
        q('ex.suds-peak', 85),
        q('ex.suds-after', 30),
      ),
    ];
    const obs = extractObservations(cbtExposure, note(items), {
      noteId: 'n1',
      effective: '2026-03-12T10:00:00-05:00',
    });
    assert.deepEqual(
      obs.map((o) => [o.code.coding?.[0]?.code, o.valueInteger]),
      [
        ['suds-before', 70],
        ['suds-peak', 85],
        ['suds-after', 30],
        ['craving-0-10', 4],
      ],
    );
    const first = obs[0];
    assert.deepEqual(first?.derivedFrom, [{ reference: 'QuestionnaireResponse/n1' }]);
    assert.deepEqual(first?.subject, { reference: 'Patient/p1' });
    assert.equal(first?.effectiveDateTime, '2026-03-12T10:00:00-05:00');
    assert.equal(first?.category?.[0]?.coding?.[0]?.code, 'survey');
    assert.ok(first?.meta?.security?.some((s) => s.code === '42CFRPart2'));
  });

  test('the same note amended yields Observations with the same ids (replaced, not added)', () => {
    const make = (suds: number) =>
      extractObservations(
        cbtExposure,
        note([...frame(), g('exposure', q('ex.item', 'x'), q('ex.suds-before', suds))]),
        { noteId: 'n1', effective: '2026-03-12' },
      );
    assert.deepEqual(
      make(70).map((o) => o.id),
      make(40).map((o) => o.id),
    );
    assert.equal(make(40)[0]?.valueInteger, 40);
  });

  test('diary card week grid: the highest urges and the days each skills module was used', () => {
    const day = (date: string, urge: number, skills: string[]) => ({
      linkId: 'diary.day',
      item: [
        { linkId: 'diary.day.date', answer: [{ valueDate: date }] },
        q('diary.day.urge-use', urge),
        q('diary.day.urge-self-harm', 0),
        ...(skills.length ? [q('diary.day.skills', ...skills)] : []),
      ],
    });
    const mindful = diarySkillAnswer('mindfulness', 'Wise mind');
    const tipp = diarySkillAnswer('distress-tolerance', 'TIPP');
    const stop = diarySkillAnswer('distress-tolerance', 'STOP');
    const items = [
      ...frame(),
      g(
        'diary-card',
        day('2026-03-05', 2, [mindful]),
        day('2026-03-06', 4, [tipp, stop]),
        day('2026-03-07', 1, []),
        day('2026-03-08', 3, [mindful, tipp]),
      ),
    ];
    const complete = withAggregates(dbtDiaryCard, note(items));
    assert.equal(firstValue(complete, 'diary.urge-use-max'), 4);
    assert.equal(firstValue(complete, 'diary.urge-self-harm-max'), 0);
    assert.equal(firstValue(complete, 'diary.skills-days.mindfulness'), 2);
    assert.equal(firstValue(complete, 'diary.skills-days.distress-tolerance'), 2);
    assert.equal(firstValue(complete, 'diary.skills-days.emotion-regulation'), 0);
    const obs = extractObservations(dbtDiaryCard, note(items), { noteId: 'n2', effective: '2026-03-12' });
    assert.deepEqual(
      obs.map((o) => [o.code.coding?.[0]?.code, o.valueInteger]),
      [
        ['dbt-urge-to-use', 4],
        ['dbt-urge-self-harm', 0],
        ['dbt-skills-mindfulness', 2],
        ['dbt-skills-distress-tolerance', 2],
        ['dbt-skills-emotion-regulation', 0],
        ['dbt-skills-interpersonal-effectiveness', 0],
        ['craving-0-10', 4],
      ],
    );
  });

  test('thought record: strongest mood before and after; ABCDE: intensity at C and after disputing', () => {
    const tr = [
      ...frame(),
      g(
        'thought-record',
        g('tr.mood', q('tr.mood.name', 'Anxious'), q('tr.mood.rating', 80)),
        g('tr.mood', q('tr.mood.name', 'Ashamed'), q('tr.mood.rating', 60)),
        g('tr.balanced', q('tr.balanced.text', 'Paydays pass.'), q('tr.balanced.belief', 70)),
        g('tr.rerate', q('tr.rerate.name', 'Anxious'), q('tr.rerate.rating', 40)),
      ),
    ];
    const codes = (qn: typeof cbtThoughtRecord, items: QuestionnaireResponseItem[]) =>
      extractObservations(qn, note(items), { noteId: 'n3', effective: '2026-03-12' }).map((o) => [
        o.code.coding?.[0]?.code,
        o.valueInteger,
      ]);
    assert.deepEqual(codes(cbtThoughtRecord, tr), [
      ['balanced-thought-belief', 70],
      ['mood-rating-before', 80],
      ['mood-rating-after', 40],
      ['craving-0-10', 4],
    ]);
    const abc = [
      ...frame(),
      g('abcde', g('ab.c', q('ab.c.intensity', 8)), g('ab.f', q('ab.f.intensity', 3))),
    ];
    assert.deepEqual(codes(rebtAbcde, abc), [
      ['rebt-emotion-intensity-before', 8],
      ['rebt-emotion-intensity-after', 3],
      ['craving-0-10', 4],
    ]);
  });
});

describe('copy forward and changes', () => {
  test('a new note takes last signed homework as "to review" and the personal targets, nothing else', () => {
    const last = note(
      [
        ...frame(),
        g(
          'diary-card',
          g('diary.target', q('diary.target.name', 'Skip meals')),
          g('diary.target', q('diary.target.name', 'Isolate')),
        ),
      ],
      { status: 'completed' },
    );
    const carried = copyForwardItems(dbtDiaryCard, last);
    assert.deepEqual(carried, [
      { linkId: 'diary.target', item: [q('diary.target.name', 'Skip meals')] },
      { linkId: 'diary.target', item: [q('diary.target.name', 'Isolate')] },
      q('homework.review', 'Two thought records on cravings.'),
    ]);
    assert.deepEqual(copyForwardItems(dbtDiaryCard, { ...last, status: 'in-progress' }), []);
  });

  test('the field-level diff names each changed field with its label, in form order', () => {
    const before = note(frame(45, '90834'));
    const after = note(frame(60, '90837').map((i) => (i.linkId === 'craving' ? q('craving', 6) : i)));
    assert.deepEqual(
      noteChanges(sessionFrame, before, after).map((c) => [c.path, c.label, c.before, c.after]),
      [
        ['session/session.duration', 'Face-to-face minutes', '45', '60'],
        ['session/session.cpt', 'CPT code', '90834', '90837'],
        ['craving', 'Craving to use right now (0–10)', '4', '6'],
      ],
    );
  });
});

describe('crisis resources', () => {
  test('active ideation or high overdose risk is positive; passive ideation and elevated risk are not', () => {
    assert.equal(riskCheckPositive('Active ideation', 'Low'), true);
    assert.equal(riskCheckPositive('None reported', 'High (return to use, fentanyl, alone)'), true);
    assert.equal(riskCheckPositive('Passive ideation, no plan or intent', 'Low'), false);
    assert.equal(riskCheckPositive('None reported', 'Elevated (recent use or missed MAT doses)'), false);
    assert.equal(riskCheckPositive(undefined, undefined), false);
  });

  test('988 and the SAMHSA helpline first, then the clinic line from its Organization', () => {
    const resources = noteCrisisResources();
    assert.deepEqual(
      resources.map((r) => r.contact),
      ['Call or text 988', 'Call 1-800-662-4357', 'Call 555-0100'],
    );
    assert.equal(noteCrisisResources({ resourceType: 'Organization', name: 'No phone' }).length, 2);
  });
});

describe('new-note templates', () => {
  test('the menu names are the Questionnaire titles; a note names its template by its canonical', () => {
    for (const { template, title } of NEW_NOTE_TEMPLATES) {
      assert.equal(NOTE_TEMPLATE_QUESTIONNAIRES[template].title, title);
    }
    assert.deepEqual(
      NEW_NOTE_TEMPLATES.map((t) => t.title),
      [
        'CBT thought record',
        'CBT behavioral experiment',
        'CBT exposure',
        'DBT diary card',
        'DBT chain analysis',
        'REBT ABCDE',
      ],
    );
    assert.equal(
      noteTemplateOf(`${NOTE_TEMPLATE_QUESTIONNAIRES['dbt-diary-card'].url}|1.0.0`),
      'dbt-diary-card',
    );
    assert.equal(noteTemplateOf('http://loinc.org/q/44249-1'), undefined);
  });
});
