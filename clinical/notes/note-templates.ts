import { type NoteTemplate, questionnaireUrl } from '../terminology';

/**
 * The note templates a counselor starts a note from, in menu order, by their Questionnaire titles (the "New note"
 * menu's names; clinical/templates holds the Questionnaires, whose titles a test keeps equal to these). A plain
 * list, so a chart can offer the menu without loading the Questionnaires.
 */
export const NEW_NOTE_TEMPLATES: readonly { readonly template: NoteTemplate; readonly title: string }[] = [
  { template: 'cbt-thought-record', title: 'CBT thought record' },
  { template: 'cbt-behavioral-experiment', title: 'CBT behavioral experiment' },
  { template: 'cbt-exposure', title: 'CBT exposure' },
  { template: 'dbt-diary-card', title: 'DBT diary card' },
  { template: 'dbt-chain-analysis', title: 'DBT chain analysis' },
  { template: 'rebt-abcde', title: 'REBT ABCDE' },
];

/** The template of a note from its `questionnaire` canonical (a `|version` suffix is ignored). */
export function noteTemplateOf(questionnaire: string | undefined): NoteTemplate | undefined {
  const url = questionnaire?.split('|')[0];
  const all: NoteTemplate[] = [...NEW_NOTE_TEMPLATES.map((t) => t.template), 'session-frame'];
  return all.find((t) => questionnaireUrl(t) === url);
}

/** Identifier system of a draft note's client-generated id (idempotent create with If-None-Exist). */
export const NOTE_DRAFT_IDENTIFIER_SYSTEM = 'http://waypoint.health/fhir/note-draft';
