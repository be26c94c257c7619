/**
 * Public API of Waypoint's clinical module (pure TypeScript; used by src/ and server/).
 * Test builders (fhir/test-builders.ts) are deliberately not exported.
 */
export * from './access/response-access';
export * from './alerts/patient-alerts';
export * from './caseload/caseload-row';
export * from './chart/chart-facts';
export * from './chart/chart-range';
export * from './chart/crisis-contacts';
export * from './chart/days-covered';
export * from './chart/dose-strip';
export * from './chart/mat-panel';
export * from './chart/measures-panel';
export * from './chart/plan-panel';
export * from './chart/support-panel';
export * from './chart/take-home';
export * from './chart/uds-panel';
export * from './cm/cm-ledger';
export * from './derived/derive';
export * from './derived/derived-codes';
export * from './derived/flag-resource';
export * from './derived/risk-resource';
export * from './derived/summary-resource';
export * from './derived/views';
export * from './fhir/coding';
export * from './fhir/consent';
export * from './fhir/episode';
export * from './fhir/fhir-date';
export * from './fhir/mat';
export * from './fhir/measures';
export * from './fhir/notes';
export * from './fhir/patient-facts';
export * from './fhir/patient-record';
export * from './fhir/record-query';
export * from './fhir/reference';
export * from './fhir/sessions';
export * from './fhir/uds';
export * from './notes/crisis-resources';
export * from './notes/note-history';
export * from './notes/note-lifecycle';
export * from './notes/note-rules';
export * from './notes/note-templates';
export * from './notes/response-items';
export * from './risk/relapse-risk';
export * from './risk/risk-assessment';
export * from './risk/risk-model.config';
export * from './terminology';
