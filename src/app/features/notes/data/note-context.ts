import { inject, Injectable } from '@angular/core';
import type {
  CareTeam,
  Encounter,
  Goal,
  Observation,
  Patient,
  Practitioner,
  PractitionerRole,
  Provenance,
  Questionnaire,
  QuestionnaireResponse,
  Reference,
  Resource,
  Task,
} from '@medplum/fhirtypes';
import { Store } from '@ngrx/store';
import { firstValueFrom } from 'rxjs';

import { EXTRACT_IDENTIFIER_SYSTEM,extractIdentifier } from '../../../../../clinical/notes/note-rules';
import { questionnaireItems } from '../../../../../clinical/notes/response-items';
import { IDENTIFIER_SYSTEM, LOCAL_SYSTEM,SDC_OBSERVATION_EXTRACT } from '../../../../../clinical/terminology';
import { findIncluded } from '../../../core/fhir/bundle';
import { FhirClient } from '../../../core/fhir/fhir-client';
import { ResourcesActions } from '../../../core/state/resources/resources.feature';
import type { GoalOption } from '../form/note-form';

/** Everything the editor shows and acts on, loaded in two batches. */
export interface NoteContext {
  readonly note: QuestionnaireResponse;
  readonly questionnaire: Questionnaire;
  readonly patient?: Patient;
  readonly encounter?: Encounter;
  readonly provenances: readonly Provenance[];
  readonly tasks: readonly Task[];
  readonly goals: readonly GoalOption[];
  /** The signed-in user's PractitionerRoles (an associate's notes need a co-signature). */
  readonly myRoles: readonly PractitionerRole[];
  /** The lead of the supervision CareTeam that lists the signed-in user. */
  readonly supervisor?: Reference<Practitioner>;
}

export function patientName(patient: Patient | undefined): string {
  const name = patient?.name?.find((n) => n.use === 'official') ?? patient?.name?.[0];
  return name?.text ?? ([...(name?.given ?? []), name?.family ?? ''].join(' ').trim() || 'Unknown patient');
}

function goalOption(goal: Goal): GoalOption {
  return { reference: `Goal/${goal.id ?? ''}`, display: goal.description?.text ?? 'Goal' };
}

/** The supervisor of `me`: the supervisor participant of a supervision CareTeam that lists me. */
export function supervisorOf(teams: readonly CareTeam[], me: string): Reference<Practitioner> | undefined {
  for (const team of teams) {
    if (!team.identifier?.some((i) => i.system === IDENTIFIER_SYSTEM.team)) continue;
    if (!team.participant?.some((p) => p.member?.reference === me)) continue;
    const lead = team.participant.find((p) =>
      p.role?.some((r) => r.coding?.some((c) => c.system === LOCAL_SYSTEM.role && c.code === 'supervisor')),
    );
    if (lead?.member?.reference && lead.member.reference !== me) return lead.member as Reference<Practitioner>;
  }
  return undefined;
}

/** The FHIR reads of the notes editor (one client, the FhirClient); everything read goes to the root table. */
@Injectable({ providedIn: 'root' })
export class NoteContextLoader {
  private readonly fhir = inject(FhirClient);
  private readonly store = inject(Store);

  async load(noteId: string, me: string | undefined): Promise<NoteContext> {
    const noteKey = `QuestionnaireResponse/${noteId}`;
    const [notes, provenances, tasks, roles, teams] = await firstValueFrom(
      this.fhir.searchBatch([
        {
          resourceType: 'QuestionnaireResponse',
          params: [
            ['_id', noteId],
            ['_include', 'QuestionnaireResponse:subject'],
            ['_include', 'QuestionnaireResponse:encounter'],
          ],
        },
        { resourceType: 'Provenance', params: { target: noteKey } },
        { resourceType: 'Task', params: { focus: noteKey } },
        ...(me
          ? [
              { resourceType: 'PractitionerRole' as const, params: { practitioner: me, active: true } },
              { resourceType: 'CareTeam' as const, params: { participant: me, status: 'active' } },
            ]
          : []),
      ]),
    );
    const note = notes?.resources[0] as QuestionnaireResponse | undefined;
    if (!note) throw new Error('This note was not found.');
    const patient = notes ? findIncluded<Patient>(notes, note.subject?.reference) : undefined;
    const encounter = notes ? findIncluded<Encounter>(notes, note.encounter?.reference) : undefined;
    const url = note.questionnaire?.split('|')[0] ?? '';
    const [questionnaires, carePlans] = await firstValueFrom(
      this.fhir.searchBatch([
        { resourceType: 'Questionnaire', params: { url } },
        {
          resourceType: 'CarePlan',
          params: [
            ['subject', note.subject?.reference ?? ''],
            ['status', 'active'],
            ['_include', 'CarePlan:goal'],
          ],
        },
      ]),
    );
    const questionnaire = questionnaires?.resources[0] as Questionnaire | undefined;
    if (!questionnaire) throw new Error(`The note's form (${url}) was not found on the server.`);
    const goals = (carePlans?.included ?? []).filter((r): r is Goal => r.resourceType === 'Goal');
    const context: NoteContext = {
      note,
      questionnaire,
      ...(patient ? { patient } : {}),
      ...(encounter ? { encounter } : {}),
      provenances: (provenances?.resources ?? []) as Provenance[],
      tasks: (tasks?.resources ?? []) as Task[],
      goals: goals.map(goalOption),
      myRoles: (roles?.resources ?? []) as PractitionerRole[],
      ...(me ? { supervisor: supervisorOf((teams?.resources ?? []) as CareTeam[], me) } : {}),
    };
    this.received([
      note,
      questionnaire,
      ...(patient ? [patient] : []),
      ...(encounter ? [encounter] : []),
      ...context.provenances,
      ...context.tasks,
      ...goals,
    ]);
    return context;
  }

  /** Every version of the note, newest first. */
  async history(noteId: string): Promise<QuestionnaireResponse[]> {
    const bundle = await firstValueFrom(this.fhir.history('QuestionnaireResponse', noteId));
    return (bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource as QuestionnaireResponse] : []));
  }

  /** The Observations extracted from earlier versions of the note (by their stable identifiers). */
  async extracted(questionnaire: Questionnaire, noteId: string): Promise<Observation[]> {
    const values = questionnaireItems(questionnaire)
      .filter(({ item }) => item.code?.length && item.extension?.some((e) => e.url === SDC_OBSERVATION_EXTRACT))
      .map(({ item }) => `${EXTRACT_IDENTIFIER_SYSTEM}|${extractIdentifier(noteId, item.code?.[0]?.code ?? item.linkId)}`);
    if (values.length === 0) return [];
    const result = await firstValueFrom(
      this.fhir.searchAll('Observation', { identifier: values.join(','), _count: 100 }),
    );
    return result.resources;
  }

  received(resources: readonly Resource[]): void {
    if (resources.length > 0) this.store.dispatch(ResourcesActions.received({ resources }));
  }
}
