// Paging, sorting, totals, _summary, _elements, POST _search, absolute links and unknown parameters.
import assert from 'node:assert/strict';

import type { Bundle, Patient } from '@medplum/fhirtypes';

import { conformance, matchIds } from '../support/conformance';
import type { TestServer } from '../support/test-server';

/** 23 patients; family names repeat (5 distinct) so sorting has ties. */
async function seedPage(server: TestServer): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 23; i++) {
    const patient = await server.client.create<Patient>({
      resourceType: 'Patient',
      name: [{ family: `Page${i % 5}`, given: [`N${i}`] }],
      gender: i % 2 === 0 ? 'female' : 'male',
      birthDate: `19${50 + i}-01-01`,
    });
    ids.push(patient.id);
  }
  return ids;
}

function nextLink(bundle: Bundle): string | undefined {
  return bundle.link?.find((l) => l.relation === 'next')?.url;
}

async function readAllPages(server: TestServer, first: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let url: string | undefined = first;
  let pages = 0;
  while (url) {
    const response: { status: number; body: Bundle } = await server.client.get<Bundle>(url);
    assert.equal(response.status, 200);
    ids.push(...matchIds(response.body));
    url = nextLink(response.body);
    assert.ok(!url || url.startsWith(server.baseUrl + '/'), `absolute next link: ${url}`);
    pages++;
    assert.ok(pages < 50, 'paging terminates');
  }
  return { ids, pages };
}

conformance('paging through every next link returns each match exactly once', async (server) => {
  const ids = await seedPage(server);
  const { ids: seen, pages } = await readAllPages(server, 'Patient?name=page&_count=5');
  assert.equal(pages, 5);
  assert.equal(new Set(seen).size, seen.length, 'no duplicates');
  assert.deepEqual([...seen].sort(), [...ids].sort());
});

conformance('paging with a sort on a key with ties is stable across pages', async (server) => {
  const ids = await seedPage(server);
  const { ids: seen } = await readAllPages(server, 'Patient?_sort=gender&_count=4');
  assert.equal(new Set(seen).size, seen.length, 'no duplicates');
  assert.deepEqual([...seen].sort(), [...ids].sort());
  const again = await readAllPages(server, 'Patient?_sort=gender&_count=4');
  assert.deepEqual(again.ids, seen, 'same order every time');
});

conformance(
  '_sort on several keys, - for descending',
  async (server) => {
    await seedPage(server);
    const response = await server.client.get<Bundle<Patient>>('Patient?_sort=family,-birthdate&_count=100');
    const rows = (response.body.entry ?? []).map((e) => [
      e.resource?.name?.[0]?.family,
      e.resource?.birthDate,
    ]);
    const expected = [...rows].sort((a, b) =>
      (a[0] as string) === (b[0] as string)
        ? (b[1] as string).localeCompare(a[1] as string)
        : (a[0] as string).localeCompare(b[0] as string),
    );
    assert.equal(rows.length, 23);
    assert.deepEqual(rows, expected);
  },
  { memoryDiffers: 'multi-key _sort applies the keys one after the other' },
);

conformance('_total=accurate and _summary=count report the number of matches', async (server) => {
  await seedPage(server);
  const accurate = await server.client.get<Bundle>('Patient?gender=female&_total=accurate&_count=2');
  assert.equal(accurate.body.total, 12);
  assert.equal(matchIds(accurate.body).length, 2);
  const count = await server.client.get<Bundle>('Patient?gender=male&_summary=count');
  assert.equal(count.body.total, 11);
  assert.equal(matchIds(count.body).length, 0);
});

conformance(
  '_elements returns only the named elements (plus id and meta)',
  async (server) => {
    await seedPage(server);
    const response = await server.client.get<Bundle<Patient>>('Patient?_elements=birthDate&_count=3');
    for (const entry of response.body.entry ?? []) {
      assert.ok(entry.resource?.id && entry.resource.birthDate);
      assert.equal(entry.resource.name, undefined);
    }
  },
  { memoryDiffers: '_elements is ignored' },
);

conformance('POST [type]/_search with a form body equals the GET search', async (server) => {
  await seedPage(server);
  const get = await server.client.get<Bundle>('Patient?family=page1&gender=female');
  const post = await fetch(`${server.baseUrl}/Patient/_search`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/fhir+json' },
    body: new URLSearchParams({ family: 'page1', gender: 'female' }),
  });
  assert.equal(post.status, 200);
  const body = (await post.json()) as Bundle;
  assert.ok(matchIds(get.body).length > 0);
  assert.deepEqual(matchIds(body).sort(), matchIds(get.body).sort());
});

conformance(
  'POST _search paging links are opaque: no search values in any link, every match once',
  async (server) => {
    const ids = await seedPage(server);
    const post = await fetch(`${server.baseUrl}/Patient/_search`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/fhir+json' },
      body: new URLSearchParams({ name: 'page', _count: '5' }),
    });
    assert.equal(post.status, 200);
    const first = (await post.json()) as Bundle;
    for (const link of first.link ?? []) {
      assert.match(link.url, /\/Patient\?_page=[A-Za-z0-9_-]+$/, `opaque ${link.relation} link`);
      assert.doesNotMatch(link.url, /page(?!=)|name=|_count/i);
    }
    const next = nextLink(first);
    assert.ok(next, 'a next link');
    const rest = await readAllPages(server, next.slice(server.baseUrl.length + 1));
    const seen = [...matchIds(first), ...rest.ids];
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    assert.deepEqual([...seen].sort(), [...ids].sort());

    const unknown = await server.client.get<Bundle>('Patient?_page=not-a-token');
    assert.equal(unknown.status, 410, 'an unknown or expired page token is Gone');
  },
);

conformance('links and fullUrls are absolute and honour X-Forwarded-Proto/Host/Prefix', async (server) => {
  await seedPage(server);
  const response = await server.client.get<Bundle>('Patient?_count=2', {
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'clinic.example',
    'x-forwarded-prefix': '/api',
  });
  const next = nextLink(response.body);
  assert.ok(next?.startsWith('https://clinic.example/api/fhir/Patient?'), next);
  assert.ok(
    response.body.entry?.every((e) => e.fullUrl?.startsWith('https://clinic.example/api/fhir/Patient/')),
  );
  assert.ok(response.body.link?.some((l) => l.relation === 'self'));
});

conformance(
  'unknown parameters: ignored and reported (lenient), 400 under Prefer: handling=strict',
  async (server) => {
    const ids = await seedPage(server);
    const lenient = await server.client.get<Bundle>('Patient?colour=blue&family:sounds-like=page&_count=100');
    assert.equal(lenient.status, 200);
    assert.equal(matchIds(lenient.body).length, ids.length, 'the unknown parameters did not filter');
    const outcome = lenient.body.entry?.find((e) => e.search?.mode === 'outcome')?.resource;
    assert.equal(outcome?.resourceType, 'OperationOutcome');
    const expressions = (outcome as { issue: { expression: string[] }[] }).issue
      .map((i) => i.expression[0])
      .sort();
    assert.deepEqual(expressions, ['colour', 'family:sounds-like']);
    assert.ok(
      !lenient.body.link?.find((l) => l.relation === 'self')?.url.includes('colour'),
      'self link omits it',
    );

    const strict = await server.client.get('Patient?colour=blue', { prefer: 'handling=strict' });
    assert.equal(strict.status, 400);
    assert.equal(strict.body.issue[0].severity, 'error');
    assert.deepEqual(strict.body.issue[0].expression, ['colour']);
  },
);

conformance('an invalid search value is a 400 OperationOutcome', async (server) => {
  const response = await server.client.get('Patient?birthdate=not-a-date');
  assert.equal(response.status, 400);
  assert.equal(response.body.resourceType, 'OperationOutcome');
});
