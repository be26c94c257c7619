// The real app (buildApp + SqliteRepository in memory + SMART auth plugin) on an ephemeral port, a tiny
// seeded clinic, and an OAuth client that drives the authorization-code flow over HTTP like a browser
// would (manual redirects, a cookie jar, the sign-in form), without a browser.
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

import type { Resource } from '@medplum/fhirtypes';

import { LOCAL_SYSTEM, questionnaireUrl, SYSTEM } from '../../../clinical/terminology';
import { buildApp } from '../../src/app';
import { recordExportRoute } from '../../src/audit/export-route';
import { reportExportRoute } from '../../src/audit/report-export-route';
import type { LockoutPolicy } from '../../src/auth/accounts';
import { createSmartAuth, type SmartAuth } from '../../src/auth/smart-auth';
import type { Clock } from '../../src/derive/clock';
import { attachDeriver, type EmbeddedDeriver } from '../../src/derive/embedded';
import { TEAM_IDENTIFIER_SYSTEM } from '../../src/policy/principal';
import { initFhirDefinitions } from '../../src/store/definitions';
import { SqliteRepository } from '../../src/store/sqlite-repository';

export const PASSWORD = 'correct horse battery';
export const REDIRECT_URI = 'http://localhost:4200/signin/callback';
export const USER_SCOPES = 'openid fhirUser profile online_access user/*.cruds';

/** A port the OS handed out (listen on 0), released so the server can bind it with a known issuer URL. */
async function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface Clinic {
  readonly org1: string;
  readonly org2: string;
  readonly counselor1: string;
  readonly counselor2: string;
  readonly supervisor1: string;
  readonly coordinator1: string;
  /** counselor1's patient */
  readonly patientA: string;
  /** counselor2's patient */
  readonly patientB: string;
  /** a patient of another organization, on nobody's team here */
  readonly patientC: string;
  readonly noteA: string;
  readonly noteB: string;
  readonly measureA: string;
  readonly obsA: string;
  readonly obsB: string;
  readonly provenanceA: string;
  readonly provenanceB: string;
  readonly groupAppointment: string;
  readonly taskOnNoteB: string;
}

export interface AuthTestServer {
  readonly origin: string;
  readonly fhirUrl: string;
  readonly auth: SmartAuth;
  readonly repository: SqliteRepository;
  readonly clinic: Clinic;
  /** The in-process deriver, when the server was started with `derive`. */
  readonly derivation?: EmbeddedDeriver;
  close(): Promise<void>;
}

export interface AuthServerOptions {
  readonly accessTokenTtl?: number;
  /** Where jwks.json and waypoint-cli.jwk.json are kept (a temp dir); default ephemeral keys. */
  readonly keysDir?: string;
  readonly lockout?: LockoutPolicy;
  /** Run the clinical deriver in-process on this clock (writes wait for it, as in the real server). */
  readonly derive?: { readonly clock: Clock };
}

export async function startAuthServer(options: AuthServerOptions = {}): Promise<AuthTestServer> {
  initFhirDefinitions();
  const repository = new SqliteRepository(':memory:', { validate: false });
  const clinic = await seedClinic(repository);
  const port = await ephemeralPort();
  const origin = `http://127.0.0.1:${port}`;
  const auth = await createSmartAuth({
    db: repository.database,
    publicUrl: origin,
    keysDir: options.keysDir,
    accessTokenTtl: options.accessTokenTtl,
    lockout: options.lockout ?? { maxFailures: 5, lockMs: 15 * 60_000, baseDelayMs: 1 },
    store: repository,
  });
  await auth.accounts.ensureAccounts(
    [
      {
        username: 'counselor1',
        displayName: 'Casey One',
        role: 'counselor',
        practitionerId: clinic.counselor1,
      },
      {
        username: 'counselor2',
        displayName: 'Cam Two',
        role: 'counselor',
        practitionerId: clinic.counselor2,
      },
      {
        username: 'supervisor1',
        displayName: 'Sam Super',
        role: 'supervisor',
        practitionerId: clinic.supervisor1,
      },
      {
        username: 'coordinator1',
        displayName: 'Cory Coord',
        role: 'care-coordinator',
        practitionerId: clinic.coordinator1,
      },
    ],
    PASSWORD,
  );
  const derivation = options.derive ? attachDeriver(repository, { clock: options.derive.clock }) : undefined;
  await derivation?.deriver.sweep();
  const app = await buildApp({
    repository,
    rateLimit: false,
    plugins: [
      auth.plugin,
      recordExportRoute({ audit: auth.audit }),
      reportExportRoute({ audit: auth.audit }),
    ],
    extendCapabilityStatement: auth.extendCapabilityStatement,
    ...(derivation ? { afterWrite: derivation.afterWrite } : {}),
    ...(options.derive ? { now: () => options.derive!.clock.now() } : {}),
  });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    origin,
    fhirUrl: `${origin}/fhir`,
    auth,
    repository,
    clinic,
    ...(derivation ? { derivation } : {}),
    close: async () => {
      await app.close();
      derivation?.stop();
      await derivation?.deriver.idle();
      await repository.close();
    },
  };
}

const role = (code: string) => [{ coding: [{ system: LOCAL_SYSTEM.role, code }] }];

async function seedClinic(repo: SqliteRepository): Promise<Clinic> {
  const create = async <T extends Resource>(resource: T): Promise<string> =>
    (await repo.createResource(resource)).id as string;
  const org1 = await create({ resourceType: 'Organization', name: 'Harbor Recovery' });
  const org2 = await create({ resourceType: 'Organization', name: 'Other Clinic' });
  const practitioner = (family: string) => create({ resourceType: 'Practitioner', name: [{ family }] });
  const counselor1 = await practitioner('One');
  const counselor2 = await practitioner('Two');
  const supervisor1 = await practitioner('Super');
  const coordinator1 = await practitioner('Coord');
  for (const [id, code] of [
    [counselor1, 'counselor'],
    [counselor2, 'counselor'],
    [supervisor1, 'supervisor'],
    [coordinator1, 'care-coordinator'],
  ] as const) {
    await create({
      resourceType: 'PractitionerRole',
      active: true,
      practitioner: { reference: `Practitioner/${id}` },
      organization: { reference: `Organization/${org1}` },
      code: role(code),
    });
  }
  const patient = (family: string) =>
    create({ resourceType: 'Patient', name: [{ family, given: ['Test'] }] });
  const patientA = await patient('Alpha');
  const patientB = await patient('Bravo');
  const patientC = await patient('Charlie');
  const team = (patientId: string, counselor: string) =>
    create({
      resourceType: 'CareTeam',
      status: 'active',
      subject: { reference: `Patient/${patientId}` },
      participant: [{ member: { reference: `Practitioner/${counselor}` }, role: role('counselor') }],
    });
  await team(patientA, counselor1);
  await team(patientB, counselor2);
  await create({
    resourceType: 'CareTeam',
    status: 'active',
    identifier: [{ system: TEAM_IDENTIFIER_SYSTEM, value: 'team-super' }],
    participant: [
      { member: { reference: `Practitioner/${supervisor1}` }, role: role('supervisor') },
      { member: { reference: `Practitioner/${counselor1}` }, role: role('counselor') },
    ],
  });
  for (const [p, org] of [
    [patientA, org1],
    [patientB, org1],
    [patientC, org2],
  ] as const) {
    await create({
      resourceType: 'EpisodeOfCare',
      status: 'active',
      patient: { reference: `Patient/${p}` },
      managingOrganization: { reference: `Organization/${org}` },
    });
  }
  const note = (p: string, author: string) =>
    create({
      resourceType: 'QuestionnaireResponse',
      status: 'completed',
      questionnaire: questionnaireUrl('cbt-thought-record'),
      subject: { reference: `Patient/${p}` },
      author: { reference: `Practitioner/${author}` },
      authored: '2026-11-20T10:00:00Z',
      item: [{ linkId: 'situation', answer: [{ valueString: 'Craving after a call from an old friend' }] }],
    });
  const noteA = await note(patientA, counselor1);
  const noteB = await note(patientB, counselor2);
  const measureA = await create({
    resourceType: 'QuestionnaireResponse',
    status: 'completed',
    questionnaire: 'http://loinc.org/q/44249-1',
    subject: { reference: `Patient/${patientA}` },
    item: [{ linkId: '44261-6', answer: [{ valueInteger: 7 }] }],
  });
  const observation = (p: string) =>
    create({
      resourceType: 'Observation',
      status: 'final',
      category: [{ coding: [{ system: SYSTEM.observationCategory, code: 'survey' }] }],
      code: { coding: [{ system: SYSTEM.loinc, code: '44261-6' }] },
      subject: { reference: `Patient/${p}` },
      valueInteger: 7,
    });
  const obsA = await observation(patientA);
  const obsB = await observation(patientB);
  const provenance = (noteId: string, author: string) =>
    create({
      resourceType: 'Provenance',
      target: [{ reference: `QuestionnaireResponse/${noteId}/_history/1` }],
      recorded: '2026-11-20T11:00:00Z',
      agent: [{ who: { reference: `Practitioner/${author}` } }],
    });
  const provenanceA = await provenance(noteA, counselor1);
  const provenanceB = await provenance(noteB, counselor2);
  const groupAppointment = await create({
    resourceType: 'Appointment',
    status: 'booked',
    participant: [
      { actor: { reference: `Patient/${patientA}` }, status: 'accepted' },
      { actor: { reference: `Patient/${patientB}` }, status: 'accepted' },
      { actor: { reference: `Practitioner/${counselor1}` }, status: 'accepted' },
    ],
  });
  const taskOnNoteB = await create({
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    owner: { reference: `Practitioner/${counselor1}` },
    focus: { reference: `QuestionnaireResponse/${noteB}` },
  });
  return {
    org1,
    org2,
    counselor1,
    counselor2,
    supervisor1,
    coordinator1,
    patientA,
    patientB,
    patientC,
    noteA,
    noteB,
    measureA,
    obsA,
    obsB,
    provenanceA,
    provenanceB,
    groupAppointment,
    taskOnNoteB,
  };
}

// ---- OAuth client ---------------------------------------------------------------------------------------

export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, index).trim();
      const value = (pair as string).slice(index + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeResult {
  /** The redirect back to the app, when the flow got there. */
  readonly callback?: URL;
  /** The last response, when the flow stopped elsewhere (error page, sign-in page with an error). */
  readonly response?: Response;
  readonly body?: string;
}

export interface AuthorizeOptions {
  readonly username?: string;
  readonly password?: string;
  readonly scope?: string;
  readonly state?: string;
  readonly challenge?: string;
  readonly challengeMethod?: string;
  readonly redirectUri?: string;
  /** Extra or overriding authorization request parameters (undefined removes one). */
  readonly params?: Record<string, string | undefined>;
}

/** GET /authorize → sign-in page → POST credentials → redirects → the app's callback URL. */
export async function authorize(
  server: AuthTestServer,
  jar: CookieJar,
  options: AuthorizeOptions = {},
): Promise<AuthorizeResult> {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: 'waypoint',
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    scope: options.scope ?? USER_SCOPES,
    state: options.state ?? randomBytes(8).toString('hex'),
    code_challenge: options.challenge,
    code_challenge_method: options.challengeMethod ?? 'S256',
    aud: server.fhirUrl,
    ...options.params,
  };
  const url = new URL(`${server.auth.issuer}/authorize`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  let next: URL = url;
  let posted = false;
  for (let hop = 0; hop < 12; hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      const target = new URL(location, next);
      if (target.href.startsWith(params['redirect_uri'] as string)) {
        return { callback: target };
      }
      next = target;
      continue;
    }
    const body = await response.text();
    if (response.status === 200 && next.pathname.includes('/interaction/') && !posted) {
      posted = true;
      const login = await fetch(next, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          username: options.username ?? 'counselor1',
          password: options.password ?? PASSWORD,
        }),
      });
      jar.store(login);
      const loginLocation = login.headers.get('location');
      if (login.status >= 300 && login.status < 400 && loginLocation) {
        next = new URL(loginLocation, next);
        continue;
      }
      return { response: login, body: await login.text() };
    }
    return { response, body };
  }
  throw new Error('too many redirects');
}

export interface TokenResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function tokenRequest(
  server: AuthTestServer,
  form: Record<string, string>,
): Promise<TokenResponse> {
  const response = await fetch(`${server.auth.issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface Session {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly idToken: string;
  readonly scope: string;
}

/** A complete sign-in: authorization code + PKCE S256 + token exchange. */
export async function signIn(
  server: AuthTestServer,
  username: string,
  options: { scope?: string; jar?: CookieJar; password?: string } = {},
): Promise<Session> {
  const { verifier, challenge } = pkcePair();
  const result = await authorize(server, options.jar ?? new CookieJar(), {
    username,
    scope: options.scope,
    challenge,
    ...(options.password ? { password: options.password } : {}),
  });
  const code = result.callback?.searchParams.get('code');
  if (!code) {
    throw new Error(
      `sign-in of ${username} failed: ${result.response?.status} ${result.body?.slice(0, 500)} ${result.callback}`,
    );
  }
  const token = await tokenRequest(server, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: 'waypoint',
    code_verifier: verifier,
  });
  if (token.status !== 200) {
    throw new Error(`token exchange failed: ${JSON.stringify(token.body)}`);
  }
  return {
    accessToken: token.body['access_token'] as string,
    refreshToken: token.body['refresh_token'] as string | undefined,
    idToken: token.body['id_token'] as string,
    scope: token.body['scope'] as string,
  };
}

/** Response bodies are read loosely in tests (`body.entry[0].resource`); assertions check their shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface FhirResult<T = Json> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A FHIR request with an optional bearer token. */
export async function fhir<T = Json>(
  server: AuthTestServer,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<FhirResult<T>> {
  const init: RequestInit = {
    method,
    headers: {
      accept: 'application/fhir+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/fhir+json' } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
  const response = await fetch(`${server.fhirUrl}/${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Resource ids of the entries of a Bundle, as `Type/id`. */
export function refs(bundle: { entry?: { resource?: Resource }[] }): string[] {
  return (bundle.entry ?? []).map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
}
