/**
 * Break-glass: emergency access to a patient outside one's care team. The reason travels in this request header on
 * that patient's requests only; the server refuses a reason shorter than `MIN_BREAK_GLASS_REASON` and records every
 * such request as a high-priority AuditEvent (purpose of use BTG, HL7 v3 ActReason). The SPA's form and the server
 * check the same minimum.
 *
 * Source: 42 CFR 2.51 (medical emergencies: disclosure without consent to the extent necessary, with the disclosure
 * documented — who, when, why) and 45 CFR 164.312(a)(2)(ii) (HIPAA Security Rule, emergency access procedure).
 * The 10-character minimum is the program's own policy (a reason a reviewer can read), not a regulatory figure.
 */
export const BREAK_GLASS_HEADER = 'X-Break-Glass-Reason';
export const MIN_BREAK_GLASS_REASON = 10;
