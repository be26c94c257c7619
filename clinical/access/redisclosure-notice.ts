/**
 * The notice that must accompany every disclosure of 42 CFR Part 2 records made with the patient's consent —
 * a printed chart, a printed note, a CM statement, an exported audit report: 42 CFR 2.32(a)(1), "Statement 1",
 * as revised by the 2024 final rule (89 FR 12472, 16 Feb 2024; compliance from 16 Feb 2026). §2.32(a)(2) allows
 * the short form instead ("42 CFR part 2 prohibits unauthorized use or disclosure of these records."); Waypoint
 * prints the full statement. One text, rendered by the SPA's notice component wherever a page prints.
 *
 * Checked here against a secondary reprint of the 2024 text for the opening paragraph; the three conditions
 * and the closing sentence follow the 2024 rule's §2.32(a)(1) — verify against eCFR when the rule is amended.
 */
export const REDISCLOSURE_NOTICE = {
  heading: 'Notice: 42 CFR part 2 — prohibition on re-disclosure',
  opening:
    'This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2). ' +
    'These rules prohibit you from using or disclosing this record, or testimony that describes the information ' +
    'contained in this record, in any civil, criminal, administrative, or legislative proceedings by any Federal, ' +
    'State, or local authority, against the patient, unless authorized by the consent of the patient, except as ' +
    'provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65. In ' +
    'addition, the Federal rules prohibit you from making any other use or disclosure of this record unless at ' +
    'least one of the following applies:',
  conditions: [
    'Further use or disclosure is expressly permitted by the written consent of the individual whose information ' +
      'is being disclosed in this record or as otherwise permitted by 42 CFR part 2.',
    'You are a covered entity or business associate and have received the record for treatment, payment, or ' +
      'health care operations, or',
    'You have received the record from a covered entity or business associate as permitted by 45 CFR part 164, ' +
      'subparts A and E.',
  ],
  closing:
    'A general authorization for the release of medical or other information is NOT sufficient to meet the ' +
    'required elements of written consent to further use or redisclose the record (see 42 CFR 2.31).',
  source: '42 CFR 2.32(a)(1), as amended by 89 FR 12472 (16 Feb 2024)',
} as const;
