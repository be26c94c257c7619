import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { HttpErrorResponse } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, ErrorHandler } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';

import { FhirError } from '../fhir/operation-outcome';
import { ErrorNotifier } from './error-notifier';
import { GlobalErrorHandler } from './global-error-handler';

@Component({ template: '', changeDetection: ChangeDetectionStrategy.OnPush })
class Host {}

describe('GlobalErrorHandler', () => {
  let handler: ErrorHandler;
  let consoleError: jasmine.Spy;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [{ provide: ErrorHandler, useClass: GlobalErrorHandler }] });
    handler = TestBed.inject(ErrorHandler);
    consoleError = spyOn(console, 'error');
  });

  async function snackBars(): Promise<MatSnackBarHarness[]> {
    await TestBed.inject(ErrorNotifier).whenIdle();
    const fixture = TestBed.createComponent(Host);
    return TestbedHarnessEnvironment.documentRootLoader(fixture).getAllHarnesses(MatSnackBarHarness);
  }

  afterEach(async () => {
    for (const bar of await snackBars()) {
      await bar.dismissWithAction();
    }
  });

  it('shows the OperationOutcome message of a FHIR failure and logs the error', async () => {
    const error = new FhirError(422, {
      resourceType: 'OperationOutcome',
      issue: [
        { severity: 'error', code: 'business-rule', details: { text: 'A signed note cannot be edited' } },
      ],
    });
    handler.handleError(error);
    const [bar] = await snackBars();
    expect(await bar.getMessage()).toBe('A signed note cannot be edited');
    expect(await bar.getActionDescription()).toBe('Dismiss');
    expect(consoleError).toHaveBeenCalledWith(error);
  });

  it('turns a raw HttpErrorResponse for an unreachable server into a plain sentence', async () => {
    handler.handleError(new HttpErrorResponse({ status: 0, error: new ProgressEvent('error') }));
    const [bar] = await snackBars();
    expect(await bar.getMessage()).toBe('The FHIR server could not be reached');
  });

  it('unwraps unhandled promise rejections and labels programming errors', async () => {
    handler.handleError({ rejection: new TypeError("Cannot read properties of undefined (reading 'name')") });
    const [bar] = await snackBars();
    expect(await bar.getMessage()).toBe(
      "Something went wrong: Cannot read properties of undefined (reading 'name')",
    );
  });

  it('explains a lazy chunk that failed to load', async () => {
    handler.handleError(new TypeError('Failed to fetch dynamically imported module: /chunk-ABC.js'));
    const [bar] = await snackBars();
    expect(await bar.getMessage()).toContain('could not be loaded');
  });

  it('does not stack the same message twice', async () => {
    handler.handleError(new Error('boom'));
    handler.handleError(new Error('boom'));
    expect((await snackBars()).length).toBe(1);
    expect(consoleError).toHaveBeenCalledTimes(2);
  });
});
