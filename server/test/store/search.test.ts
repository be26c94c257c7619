import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { parseSearchRequest, type SearchRequest } from '@medplum/core';
import type { Bundle, Observation, Patient, Resource } from '@medplum/fhirtypes';

import type { SqliteRepository } from '../../src/store/sqlite-repository';
import { matchIds, openStore, search } from './store-fixtures';

const LOINC = 'http://loinc.org';
const DISPLAY: Record<string, string> = {
  '44261-6': 'PHQ-9 total score',
  '70274-6': 'GAD-7 total score',
  '59673-4': 'Fentanyl screen',
};

describe('SqliteRepository search', () => {
  let repo: SqliteRepository;

  before(async () => {
    repo = openStore();
    const resources: Resource[] = [
      {
        resourceType: 'Patient',
        id: 'p1',
        name: [{ family: 'Müller', given: ['Zoë'] }],
        gender: 'female',
        birthDate: '1990-05',
        identifier: [{ system: 'urn:mrn', value: 'A1' }],
        managingOrganization: { reference: 'Organization/org1' },
        meta: { tag: [{ system: 'urn:tag', code: 'demo' }], security: [{ system: 'urn:sec', code: 'R' }] },
      },
      {
        resourceType: 'Patient',
        id: 'p2',
        name: [{ family: 'Mulligan', given: ['Sam'] }],
        gender: 'male',
        birthDate: '1990-05-31',
        identifier: [{ system: 'urn:mrn', value: 'B2' }],
        meta: { profile: ['http://example.org/StructureDefinition/p'] },
      },
      {
        resourceType: 'Patient',
        id: 'p3',
        name: [{ family: 'Smith' }],
        gender: 'male',
        birthDate: '2001-01-01',
      },
      { resourceType: 'Organization', id: 'org1', name: 'Harbor Clinic' },
      obs('o1', 'p1', '44261-6', '2024-03-05T10:00:00Z', 12),
      obs('o2', 'p1', '44261-6', '2024-03-06T10:00:00Z', 5),
      obs('o3', 'p1', '70274-6', '2024-03-05T23:59:59Z', 100),
      obs('o4', 'p2', '44261-6', '2024-04-01', 99.6),
      {
        ...obs('o5', 'p2', '44261-6', undefined, undefined),
        effectivePeriod: { start: '2024-03-01', end: '2024-03-31' },
      },
      {
        ...obs('o6', 'p3', '59673-4', '2023-12-31T23:00:00-05:00', undefined),
        valueCodeableConcept: {
          text: 'Positive',
          coding: [{ system: 'http://snomed.info/sct', code: '10828004' }],
        },
      },
    ];
    await repo.bulkLoad(resources);
  });

  after(() => repo.close());

  test('token: code, system|code, |code, system|, OR and :not', async () => {
    assert.deepEqual(await matchIds(repo, 'Observation?code=44261-6'), ['o1', 'o2', 'o4', 'o5']);
    assert.deepEqual(await matchIds(repo, `Observation?code=${LOINC}|70274-6`), ['o3']);
    assert.deepEqual(await matchIds(repo, 'Observation?code=http://other|70274-6'), []);
    assert.deepEqual(await matchIds(repo, 'Observation?code=|70274-6'), []);
    assert.deepEqual(await matchIds(repo, 'Patient?gender=|male'), ['p2', 'p3']); // code without system
    assert.deepEqual(await matchIds(repo, 'Patient?identifier=urn:mrn|'), ['p1', 'p2']);
    assert.deepEqual(await matchIds(repo, 'Observation?code=70274-6,59673-4'), ['o3', 'o6']);
    assert.deepEqual(await matchIds(repo, 'Observation?code:not=44261-6'), ['o3', 'o6']);
  });

  test('token :text matches display text, case- and accent-insensitive, by word prefix', async () => {
    assert.deepEqual(await matchIds(repo, 'Observation?code:text=phq'), ['o1', 'o2', 'o4', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?code:text=total'), ['o1', 'o2', 'o3', 'o4', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-concept:text=POS'), ['o6']);
  });

  test('_tag, _security, _profile and _id', async () => {
    assert.deepEqual(await matchIds(repo, 'Patient?_tag=urn:tag|demo'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?_security=R'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?_profile=http://example.org/StructureDefinition/p'), [
      'p2',
    ]);
    assert.deepEqual(await matchIds(repo, 'Patient?_id=p3,p1'), ['p1', 'p3']);
    assert.deepEqual(await matchIds(repo, 'Patient?_id=p3,p1&gender=male'), ['p3']);
  });

  test('string: prefix, case and accents, :exact, :contains, name parts', async () => {
    assert.deepEqual(await matchIds(repo, 'Patient?name=mul'), ['p1', 'p2']);
    assert.deepEqual(await matchIds(repo, 'Patient?family=MULLER'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?name=zoe'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?name=zoe%20mul'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?family:exact=Müller'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?family:exact=muller'), []);
    assert.deepEqual(await matchIds(repo, 'Patient?family:contains=LLI'), ['p2']);
    assert.deepEqual(await matchIds(repo, 'Patient?name=ith'), []);
    assert.deepEqual(await matchIds(repo, 'Patient?name:contains=ith'), ['p3']);
    assert.deepEqual(await matchIds(repo, 'Organization?name=harbor%20cl'), ['org1']);
  });

  test('date: partial dates are ranges for every prefix', async () => {
    // birthDate 1990-05 (the whole month) vs 1990-05-31 (one day)
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=1990'), ['p1', 'p2']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=1990-05'), ['p1', 'p2']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=1990-05-31'), ['p2']); // a month is not inside a day
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=ne1990-05-31'), ['p1', 'p3']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=gt1990-05-15'), ['p1', 'p2', 'p3']); // month extends past
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=lt1990-05-15'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=sa1990-05-15'), ['p2', 'p3']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=sa1990-05-31'), ['p3']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=eb1990-06'), ['p1', 'p2']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=ge1990-05-31'), ['p2', 'p3']); // p1 straddles the day
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=le1990-05-31'), ['p1', 'p2']);
    assert.deepEqual(await matchIds(repo, 'Patient?birthdate=le1990-05-30'), ['p1']);
  });

  test('date: boundaries to the millisecond, time zones and periods', async () => {
    assert.deepEqual(await matchIds(repo, 'Observation?date=2024-03-05'), ['o1', 'o3']);
    assert.deepEqual(await matchIds(repo, 'Observation?date=2024-03-05T23:59:59Z'), ['o3']);
    assert.deepEqual(await matchIds(repo, 'Observation?date=gt2024-03-05'), ['o2', 'o4', 'o5']); // o5's period ends after
    assert.deepEqual(await matchIds(repo, 'Observation?date=ge2024-03-06'), ['o2', 'o4', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?date=lt2024-03-05'), ['o5', 'o6']);
    // 2023-12-31T23:00-05:00 is 2024-01-01T04:00Z
    assert.deepEqual(await matchIds(repo, 'Observation?date=2024-01-01'), ['o6']);
    assert.deepEqual(await matchIds(repo, 'Observation?date=2023'), []);
    assert.deepEqual(await matchIds(repo, 'Observation?date=2024-03'), ['o1', 'o2', 'o3', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?date=sa2024-03-31'), ['o4']);
    assert.deepEqual(await matchIds(repo, 'Observation?date=eb2024-03-01'), ['o6']);
    assert.deepEqual(await matchIds(repo, 'Observation?date=ge2024-03-01&date=lt2024-03-06'), [
      'o1',
      'o3',
      'o5',
    ]);
  });

  test('date ap: within 10 % of the distance from now', async () => {
    const day = 86_400_000;
    const at = (daysAgo: number): string => new Date(Date.now() - daysAgo * day).toISOString().slice(0, 10);
    const recent = await repo.createResource<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'recent' },
      effectiveDateTime: at(30),
    });
    assert.deepEqual(await matchIds(repo, `Observation?code:text=recent&date=ap${at(31)}`), [recent.id]);
    assert.deepEqual(await matchIds(repo, `Observation?code:text=recent&date=ap${at(40)}`), []); // 10 days off, margin 4
    await repo.deleteResource('Observation', recent.id);
  });

  test('_lastUpdated uses the server-set instant', async () => {
    const created = await repo.createResource<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Later' }],
    });
    const ms = Date.parse(created.meta?.lastUpdated as string);
    const before = new Date(ms - 1).toISOString();
    assert.ok((await matchIds(repo, `Patient?_lastUpdated=gt${before}`)).includes(created.id));
    assert.deepEqual(await matchIds(repo, `Patient?_lastUpdated=lt${before}&name=later`), []);
    await repo.deleteResource('Patient', created.id);
  });

  test('quantity and number: implicit precision, prefixes, system and unit', async () => {
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=12'), ['o1']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=100'), ['o3', 'o4']); // 99.6 is within 100±0.5
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=100.0'), ['o3']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=gt12'), ['o3', 'o4']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=ge12'), ['o1', 'o3', 'o4']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=lt12'), ['o2']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=le5'), ['o2']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=ne12'), ['o2', 'o3', 'o4', 'o5', 'o6']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=ap13'), ['o1']); // ±10 %
    assert.deepEqual(
      await matchIds(repo, 'Observation?value-quantity=12|http://unitsofmeasure.org|{score}'),
      ['o1'],
    );
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=12||{score}'), ['o1']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity=12||mg'), []);
    const risk = await repo.createResource({
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: 'Patient/p1' },
      prediction: [{ probabilityDecimal: 0.25 }],
    });
    assert.deepEqual(await matchIds(repo, 'RiskAssessment?probability=0.25'), [risk.id]);
    assert.deepEqual(await matchIds(repo, 'RiskAssessment?probability=gt0.3'), []);
    assert.deepEqual(await matchIds(repo, 'RiskAssessment?probability=le0.25'), [risk.id]);
  });

  test('reference: Type/id, bare id, :identifier, :missing and uri', async () => {
    assert.deepEqual(await matchIds(repo, 'Observation?subject=Patient/p2'), ['o4', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?patient=p2'), ['o4', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?subject=p2'), ['o4', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?subject=Group/p2'), []);
    assert.deepEqual(await matchIds(repo, 'Patient?organization=Organization/org1'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?organization:missing=true'), ['p2', 'p3']);
    assert.deepEqual(await matchIds(repo, 'Patient?organization:missing=false'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Observation?value-quantity:missing=true'), ['o5', 'o6']);
    const logical = await repo.createResource<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'logical' },
      performer: [{ identifier: { system: 'urn:npi', value: '123' } }],
    });
    assert.deepEqual(await matchIds(repo, 'Observation?performer:identifier=urn:npi|123'), [logical.id]);
    await repo.deleteResource('Observation', logical.id);
    const q = await repo.createResource({
      resourceType: 'Questionnaire',
      status: 'active',
      url: 'http://waypoint.example/Questionnaire/phq9',
    });
    assert.deepEqual(await matchIds(repo, 'Questionnaire?url=http://waypoint.example/Questionnaire/phq9'), [
      q.id,
    ]);
    assert.deepEqual(await matchIds(repo, 'Questionnaire?url:below=http://waypoint.example/'), [q.id]);
    assert.deepEqual(await matchIds(repo, 'Questionnaire?url=http://waypoint.example/'), []);
  });

  test('chained parameters, one level, with and without the target type', async () => {
    assert.deepEqual(await matchIds(repo, 'Observation?subject:Patient.name=mullig'), ['o4', 'o5']);
    assert.deepEqual(await matchIds(repo, 'Observation?subject.name=muller'), ['o1', 'o2', 'o3']);
    assert.deepEqual(await matchIds(repo, 'Observation?subject.gender=male&code=59673-4'), ['o6']);
    // Two levels: ignored (every Observation matches) and reported.
    const deep = await search(repo, 'Observation?patient.organization.name=harbor');
    assert.equal(deep.entry?.filter((e) => e.search?.mode === 'match').length, 6);
    assert.ok(deep.entry?.some((e) => e.search?.mode === 'outcome'));
  });

  test('_has, one level', async () => {
    assert.deepEqual(await matchIds(repo, 'Patient?_has:Observation:subject:code=70274-6'), ['p1']);
    assert.deepEqual(await matchIds(repo, 'Patient?_has:Observation:patient:date=2024-04-01'), ['p2']);
    assert.deepEqual(await matchIds(repo, 'Patient?_has:Observation:subject:code=44261-6&gender=male'), [
      'p2',
    ]);
  });

  test('_include, _revinclude and :iterate; _count limits only the matches', async () => {
    const bundle = await search(
      repo,
      'Observation?code=44261-6&_include=Observation:subject&_count=1&_sort=date',
    );
    assert.deepEqual(modes(bundle), ['match:Observation/o5', 'include:Patient/p2']);
    const rev = await search(repo, 'Patient?_id=p1&_revinclude=Observation:subject');
    assert.deepEqual(modes(rev), [
      'match:Patient/p1',
      'include:Observation/o1',
      'include:Observation/o2',
      'include:Observation/o3',
    ]);
    const iter = await search(
      repo,
      'Observation?_id=o1&_include=Observation:subject&_include:iterate=Patient:organization',
    );
    assert.deepEqual(modes(iter), [
      'match:Observation/o1',
      'include:Patient/p1',
      'include:Organization/org1',
    ]);
    const noIter = await search(
      repo,
      'Observation?_id=o1&_include=Observation:subject&_include=Patient:organization',
    );
    assert.deepEqual(modes(noIter), ['match:Observation/o1', 'include:Patient/p1']);
  });

  test('_sort on several keys with - and a stable tie-break; paging returns each match once', async () => {
    assert.deepEqual(await matchIds(repo, 'Observation?_sort=-date'), ['o4', 'o5', 'o2', 'o3', 'o1', 'o6']);
    assert.deepEqual(await matchIds(repo, 'Observation?_sort=patient,-value-quantity'), [
      'o3',
      'o1',
      'o2',
      'o4',
      'o5',
      'o6',
    ]);
    assert.deepEqual(await matchIds(repo, 'Patient?_sort=gender,-birthdate&gender=male,female'), [
      'p1',
      'p3',
      'p2',
    ]);
    // Equal keys fall back to id order, so pages never overlap.
    const seen: string[] = [];
    let url: string | undefined = 'Observation?_sort=status&_count=2';
    let pages = 0;
    while (url) {
      const page = await search(repo, url);
      seen.push(...(page.entry ?? []).map((e) => e.resource?.id as string));
      url = page.link?.find((l) => l.relation === 'next')?.url;
      pages++;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['o1', 'o2', 'o3', 'o4', 'o5', 'o6']);
  });

  test('unfiltered single-key sorts walk the index and give the same pages as the general plan', async () => {
    const multi = await repo.createResource<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Zed' }, { family: 'Aaron' }],
      birthDate: '1990-05-20',
    });
    const nameless = await repo.createResource<Patient>({ resourceType: 'Patient', gender: 'other' });
    const compile = (url: string): { indexOrder?: unknown } =>
      (repo as unknown as { compile(r: SearchRequest): { indexOrder?: unknown } }).compile(
        parseSearchRequest(url),
      );
    const allPages = async (url: string): Promise<string[]> => {
      const ids: string[] = [];
      for (let offset = 0; ; offset += 2) {
        const page = await matchIds(repo, `${url}&_count=2&_offset=${offset}`);
        ids.push(...page);
        if (page.length < 2) {
          return ids;
        }
      }
    };
    for (const url of [
      'Observation?_sort=-date',
      'Observation?_sort=date',
      'Observation?_sort=-value-quantity',
      'Observation?_sort=code',
      'Observation?_sort=-code',
      'Patient?_sort=family',
      'Patient?_sort=-family',
      'Patient?_sort=birthdate&gender:not=male',
      'Patient?_sort=-birthdate',
    ]) {
      assert.ok(compile(url).indexOrder, url);
      // A _lastUpdated filter (true for all) makes the search selective, hence the general plan.
      const general = `${url}&_lastUpdated=gt2000-01-01`;
      assert.equal(compile(general).indexOrder, undefined);
      assert.deepEqual(await allPages(url), await allPages(general), url);
    }
    const families = await matchIds(repo, 'Patient?_sort=family&_count=100');
    assert.equal(families[0], multi.id); // lowest name, Aaron
    assert.equal(families.at(-1), nameless.id); // no value: last
    assert.equal((await matchIds(repo, 'Patient?_sort=-family&_count=100'))[0], multi.id); // highest name, Zed
    await repo.deleteResource('Patient', multi.id);
    await repo.deleteResource('Patient', nameless.id);
  });

  test('paging links are relative and carry _count/_offset; total when asked or free', async () => {
    const first = await search(repo, 'Observation?code=44261-6&_count=3');
    assert.equal(first.entry?.length, 3);
    assert.equal(first.total, undefined);
    const next = first.link?.find((l) => l.relation === 'next')?.url as string;
    assert.match(next, /^Observation\?/);
    assert.match(next, /_offset=3/);
    assert.match(next, /_count=3/);
    const second = await search(repo, next);
    assert.equal(second.entry?.length, 1);
    assert.ok(second.link?.some((l) => l.relation === 'previous'));
    assert.ok(!second.link?.some((l) => l.relation === 'next'));
    assert.equal((await search(repo, 'Observation?code=44261-6&_count=3&_total=accurate')).total, 4);
    assert.equal((await search(repo, 'Observation?code=44261-6')).total, 4);
    const none = await search(repo, 'Observation?code=44261-6&_total=none');
    assert.equal(none.total, undefined);
    const count = await search(repo, 'Observation?_summary=count');
    assert.equal(count.total, 6);
    assert.equal(count.entry, undefined);
    assert.equal((await search(repo, 'Observation?_count=5000')).entry?.length, 6); // capped at MAX_PAGE_SIZE, not an error
  });

  test('_elements keeps id, meta and mandatory elements; _summary=true the summary elements', async () => {
    const bundle = await search(repo, 'Observation?_id=o1&_elements=subject');
    const o = bundle.entry?.[0]?.resource as Observation;
    assert.deepEqual(Object.keys(o).sort(), ['code', 'id', 'meta', 'resourceType', 'status', 'subject']);
    assert.ok(o.meta?.tag?.some((t) => t.code === 'SUBSETTED'));
    const summary = (await search(repo, 'Patient?_id=p1&_summary=true')).entry?.[0]?.resource as Patient;
    assert.equal(summary.name?.[0]?.family, 'Müller');
    assert.equal((summary as Patient & { text?: unknown }).text, undefined);
  });

  test('unknown parameters and modifiers are ignored and reported in an outcome entry', async () => {
    const bundle = await search(repo, 'Observation?code=70274-6&foo=bar&code:in=http://vs');
    const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource;
    assert.equal(outcome?.resourceType, 'OperationOutcome');
    assert.deepEqual(
      outcome?.resourceType === 'OperationOutcome' && outcome.issue.map((i) => [i.code, i.expression?.[0]]),
      [
        ['not-supported', 'foo'],
        ['not-supported', 'code'],
      ],
    );
    assert.deepEqual(
      bundle.entry?.filter((e) => e.search?.mode === 'match').map((e) => e.resource?.id),
      ['o3'],
    );
    assert.deepEqual(
      repo.findUnsupportedSearchParams({
        resourceType: 'Patient',
        filters: [{ code: 'x', operator: 'eq', value: '1' }],
      }),
      [{ param: 'x', reason: 'Unknown or unsupported search parameter Patient.x' }],
    );
  });

  test('searches are index lookups: no scan for filtered searches, candidates checked by rid', () => {
    const compile = (
      url: string,
    ): { from: string; params: unknown[]; orderBy: string; orderParams: unknown[] } =>
      (repo as unknown as { compile(r: SearchRequest): ReturnType<typeof compile> }).compile(
        parseSearchRequest(url),
      );
    const plan = (url: string): string => {
      const q = compile(url);
      const rows = repo.database
        .prepare(`EXPLAIN QUERY PLAN SELECT r.json ${q.from} ${q.orderBy} LIMIT 50`)
        .all(...q.params, ...q.orderParams) as { detail: string }[];
      return rows.map((r) => r.detail).join('\n');
    };
    for (const url of [
      'Observation?subject=Patient/p1&code=44261-6&_sort=-date',
      'Observation?code=44261-6&date=ge2024-03-01&value-quantity=gt5',
      'Patient?name=mul&gender=female&_sort=birthdate',
      'Observation?subject:Patient.name=muller',
      'Patient?_has:Observation:subject:code=70274-6',
    ]) {
      const details = plan(url);
      assert.doesNotMatch(details, /\bSCAN\b(?! CONSTANT)/, `${url}\n${details}`);
    }
    // _id and _has drive through the (type, id) index rather than walking every resource of the type.
    assert.match(plan('Patient?_has:Observation:subject:code=70274-6'), /USING INDEX resources_type_id/);
    assert.match(plan('Patient?_id=p1,p2'), /USING INDEX resources_type_id/);
    // Sort keys and per-candidate checks go through the (rid, pid) index, never a scan of one parameter.
    assert.match(plan('Observation?_sort=-date&code:not=1'), /idx_date_rid/);
    assert.match(plan('Observation?_sort=-date&code:not=1'), /idx_token_rid/);
  });
});

function obs(
  id: string,
  patient: string,
  code: string,
  date: string | undefined,
  value: number | undefined,
): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: LOINC, code, display: DISPLAY[code] }] },
    subject: { reference: `Patient/${patient}` },
    ...(date ? { effectiveDateTime: date } : undefined),
    ...(value !== undefined
      ? { valueQuantity: { value, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' } }
      : undefined),
  };
}

function modes(bundle: Bundle): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode !== 'outcome')
    .map((e) => `${e.search?.mode}:${e.resource?.resourceType}/${e.resource?.id}`);
}
