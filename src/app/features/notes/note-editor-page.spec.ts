import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { QuestionnaireResponse } from '@medplum/fhirtypes';

import { cbtThoughtRecord } from '../../../../clinical/templates/index';
import { AuthSession } from '../../core/auth/auth-session';
import { FhirClient } from '../../core/fhir/fhir-client';
import { IdleMonitor } from '../../core/session/idle-monitor';
import { selectUser } from '../../core/state/session/session.feature';
import { provideMockStoreForSpec } from '../../testing/mock-store';
import { NewNoteService } from './data/new-note';
import { type NoteContext, NoteContextLoader } from './data/note-context';
import { NoteOutbox, type OutboxEntry, type SaveStatus } from './data/note-outbox';
import { AUTOSAVE_DEBOUNCE_MS, NoteEditorPage } from './note-editor-page';

const note: QuestionnaireResponse = {
  resourceType: 'QuestionnaireResponse',
  id: 'n1',
  meta: { versionId: '2', lastUpdated: '2026-03-12T10:00:00Z' },
  status: 'in-progress',
  questionnaire: cbtThoughtRecord.url,
  subject: { reference: 'Patient/p1' },
  author: { reference: 'Practitioner/c1' },
  item: [],
};

const context: NoteContext = {
  note,
  questionnaire: cbtThoughtRecord,
  patient: { resourceType: 'Patient', id: 'p1', name: [{ given: ['Sam'], family: 'Rivera' }] },
  provenances: [],
  tasks: [],
  goals: [],
  myRoles: [],
};

class FakeOutbox {
  entry: OutboxEntry | undefined;
  statusValue: SaveStatus = { kind: 'idle' };
  readonly queue = jasmine.createSpy('queue').and.callFake((response: QuestionnaireResponse) => {
    this.entry = { response, seq: (this.entry?.seq ?? 0) + 1 };
  });
  readonly flush = jasmine.createSpy('flush').and.callFake(async () => {
    this.entry = undefined;
    return (this.statusValue = { kind: 'saved', at: Date.now() });
  });
  pending = () => this.entry;
  status = () => this.statusValue;
  track = () => undefined;
  version = () => '2';
  discard = () => undefined;
}

describe('NoteEditorPage autosave', () => {
  let fixture: ComponentFixture<NoteEditorPage>;
  let outbox: FakeOutbox;
  let idleHooks: (() => void | Promise<void>)[];
  let signOutHooks: (() => void | Promise<void>)[];

  beforeEach(async () => {
    outbox = new FakeOutbox();
    idleHooks = [];
    signOutHooks = [];
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideMockStoreForSpec({
          selectors: [{ selector: selectUser, value: { name: 'Casey', fhirUser: 'Practitioner/c1' } }],
        }),
        { provide: NoteOutbox, useValue: outbox },
        {
          provide: NoteContextLoader,
          useValue: {
            load: async () => context,
            history: async () => [],
            extracted: async () => [],
            received: () => undefined,
          },
        },
        { provide: NewNoteService, useValue: {} },
        { provide: FhirClient, useValue: {} },
        {
          provide: IdleMonitor,
          useValue: { beforeSignOut: (h: () => void) => (idleHooks.push(h), () => undefined) },
        },
        {
          provide: AuthSession,
          useValue: { beforeSignOut: (h: () => void) => (signOutHooks.push(h), () => undefined) },
        },
      ],
    });
    fixture = TestBed.createComponent(NoteEditorPage);
    fixture.componentRef.setInput('patientId', 'p1');
    fixture.componentRef.setInput('noteId', 'n1');
    fixture.detectChanges();
    await fixture.whenStable();
    fixture.detectChanges();
    jasmine.clock().install();
  });

  afterEach(() => jasmine.clock().uninstall());

  function type(text: string): void {
    const area = (fixture.nativeElement as HTMLElement).querySelector<HTMLTextAreaElement>(
      '[data-link-id="tr.situation"] textarea',
    ) as HTMLTextAreaElement;
    area.value = text;
    area.dispatchEvent(new Event('input'));
    fixture.detectChanges();
  }

  it('queues every keystroke at once and saves 5 s after the last one', () => {
    type('Pay');
    expect(outbox.queue).toHaveBeenCalledTimes(1);
    jasmine.clock().tick(AUTOSAVE_DEBOUNCE_MS - 1000);
    type('Payday');
    expect(outbox.queue).toHaveBeenCalledTimes(2);
    expect(outbox.queue.calls.mostRecent().args[0].item?.[0]?.item?.[0]?.answer?.[0]?.valueString).toBe(
      'Payday',
    );
    jasmine.clock().tick(AUTOSAVE_DEBOUNCE_MS - 1);
    expect(outbox.flush).not.toHaveBeenCalled();
    jasmine.clock().tick(1);
    expect(outbox.flush).toHaveBeenCalledOnceWith('n1');
  });

  it('saves on blur without waiting', () => {
    type('Payday');
    (fixture.nativeElement as HTMLElement)
      .querySelector('wp-note-form')
      ?.dispatchEvent(new FocusEvent('focusout'));
    expect(outbox.flush).toHaveBeenCalledOnceWith('n1');
  });

  it('saves an edit typed in the same moment as the blur at the blur, not 5 s later', () => {
    type('Pay');
    jasmine.clock().tick(AUTOSAVE_DEBOUNCE_MS); // saved; nothing queued any more
    outbox.flush.calls.reset();
    const host = fixture.nativeElement as HTMLElement;
    const area = host.querySelector<HTMLTextAreaElement>('[data-link-id="tr.situation"] textarea');
    area!.value = 'Payday';
    area!.dispatchEvent(new Event('input'));
    // No change detection in between: the focus leaves before the edit's effect has run.
    host.querySelector('wp-note-form')?.dispatchEvent(new FocusEvent('focusout'));
    expect(outbox.flush).toHaveBeenCalledOnceWith('n1');
    expect(outbox.queue.calls.mostRecent().args[0].item?.[0]?.item?.[0]?.answer?.[0]?.valueString).toBe(
      'Payday',
    );
    fixture.detectChanges();
    jasmine.clock().tick(AUTOSAVE_DEBOUNCE_MS);
    expect(outbox.flush).toHaveBeenCalledTimes(1);
  });

  it('saves when leaving the page (CanDeactivate) and before a sign-out or idle sign-off', async () => {
    type('Payday');
    expect(await fixture.componentInstance.canLeave()).toBeTrue();
    expect(outbox.flush).toHaveBeenCalledTimes(1);
    type('Payday, alone');
    await idleHooks[0]?.();
    expect(outbox.flush).toHaveBeenCalledTimes(2);
    type('Payday, alone again');
    await signOutHooks[0]?.();
    expect(outbox.flush).toHaveBeenCalledTimes(3);
  });

  it('shows the status line in a status region', () => {
    const line = (fixture.nativeElement as HTMLElement).querySelector('wp-save-status [role="status"]');
    expect(line?.textContent?.trim()).toMatch(/^Saved \d\d:\d\d$/);
  });
});
