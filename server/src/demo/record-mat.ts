// A demo patient's medication for OUD: MedicationRequests, observed doses (MedicationAdministration) and
// take-home supplies (MedicationDispense).
import type { MedicationAdministration, MedicationDispense, MedicationRequest } from '@medplum/fhirtypes';

import { SYSTEM } from '../../../clinical/terminology';
import { isCovered } from './patient-plan';
import { type RecordContext, ref } from './record-context';
import { practitionerRef } from './staff';

export function matResources(record: RecordContext): void {
  const { plan, clock, staff } = record;
  const mat = plan.mat;
  const requests: MedicationRequest[] = [];
  let prior: MedicationRequest | undefined;
  for (const order of mat.orders) {
    const isMethadone = mat.drug === 'methadone';
    const perDay = mat.product.longActing ? undefined : order.doseMg;
    const request: MedicationRequest = record.push<MedicationRequest>({
      resourceType: 'MedicationRequest',
      id: record.ids.next(),
      meta: record.meta(clock.at(order.to !== undefined ? order.to : order.from, 10)),
      status: order.status,
      ...(order.reason ? { statusReason: { text: order.reason } } : {}),
      intent: 'order',
      category: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
              code: isMethadone ? 'outpatient' : 'community',
              display: isMethadone ? 'Outpatient' : 'Community',
            },
          ],
        },
      ],
      medicationCodeableConcept: {
        coding: [{ system: SYSTEM.rxnorm, code: mat.product.code, display: mat.product.display }],
        text: mat.product.display,
      },
      subject: record.patientRef,
      authoredOn: clock.at(order.from, 9),
      requester: practitionerRef(staff.prescriber),
      ...(prior ? { priorPrescription: ref(prior) } : {}),
      dosageInstruction: [
        {
          text: mat.product.longActing
            ? `${order.doseMg} mg ${mat.drug === 'naltrexone' ? 'IM' : 'subcutaneous'} every 28 days, administered in clinic`
            : isMethadone
              ? `${order.doseMg} mg (${order.doseMg / 10} mL) by mouth once daily, observed; take-home doses per clinic policy`
              : `${order.doseMg} mg sublingually once daily`,
          timing: {
            repeat: {
              boundsPeriod: {
                start: clock.date(order.from),
                ...(order.to !== undefined ? { end: clock.date(order.to - 1) } : {}),
              },
              frequency: 1,
              period: mat.product.longActing ? 28 : 1,
              periodUnit: 'd',
            },
          },
          route: mat.product.longActing
            ? {
                coding: [
                  {
                    system: SYSTEM.snomed,
                    code: mat.drug === 'naltrexone' ? '78421000' : '34206005',
                    display: mat.drug === 'naltrexone' ? 'Intramuscular route' : 'Subcutaneous route',
                  },
                ],
              }
            : {
                coding: [
                  {
                    system: SYSTEM.snomed,
                    code: isMethadone ? '26643006' : '37839007',
                    display: isMethadone ? 'Oral route' : 'Sublingual route',
                  },
                ],
              },
          doseAndRate: [
            {
              doseQuantity: {
                value: order.doseMg,
                unit: 'mg',
                system: 'http://unitsofmeasure.org',
                code: 'mg',
              },
            },
          ],
        },
      ],
      dispenseRequest: {
        validityPeriod: {
          start: clock.date(order.from),
          ...(order.to !== undefined ? { end: clock.date(order.to - 1) } : {}),
        },
        ...(perDay !== undefined && !isMethadone
          ? {
              expectedSupplyDuration: {
                value: 14,
                unit: 'days',
                system: 'http://unitsofmeasure.org',
                code: 'd',
              },
            }
          : {}),
      },
    });
    requests.push(request);
    prior = request;
  }
  const orderFor = (day: number) => {
    const i = mat.orders.findIndex((o) => day >= o.from && (o.to === undefined || day < o.to));
    return { order: mat.orders[i], request: requests[i] };
  };
  const last = -1;
  const end = Math.min(last, (mat.stop ?? 0) - 1);

  if (mat.product.longActing) {
    for (let day = mat.start; day <= end;) {
      if (!isCovered(mat, day)) {
        day++;
        continue;
      }
      const { order, request } = orderFor(day);
      const doseMg = mat.product.code === '1996184' && day - mat.start >= 56 ? 100 : (order?.doseMg ?? 0);
      administration(record, day, 10, 'completed', doseMg, request, mat.drug === 'naltrexone' ? 'IM' : 'SC');
      day += 28;
    }
    return;
  }

  if (mat.drug === 'methadone') {
    // Observed dosing Mon–Sat; after 90 days, stable patients come Mon/Wed/Fri with take-homes between.
    const stableEligible = plan.archetype !== 'early-dropout' && plan.archetype !== 'fentanyl-relapse';
    const isClinicDay = (d: number) => {
      const wd = clock.weekday(d);
      return wd !== 0 && (!(stableEligible && d - mat.start >= 90) || wd === 1 || wd === 3 || wd === 5);
    };
    let missedRun = 0;
    for (let day = mat.start; day <= end; day++) {
      const clinicDay = isClinicDay(day);
      const { order, request } = orderFor(day);
      if (!order || !request) continue;
      if (!isCovered(mat, day)) {
        if (clinicDay && missedRun < 2 && day >= mat.start) {
          administration(record, day, 9, 'not-done', order.doseMg, request, 'PO');
        }
        missedRun++;
        continue;
      }
      missedRun = 0;
      if (!clinicDay) continue;
      const hour = 7 + ((plan.index + day) % 4);
      administration(record, day, hour, 'completed', order.doseMg, request, 'PO');
      // Take-home doses for the following non-clinic days that are covered.
      let takeHome = 0;
      for (let next = day + 1; next <= end; next++) {
        if (isClinicDay(next) || !isCovered(mat, next)) break;
        takeHome++;
      }
      if (takeHome > 0)
        dispense(
          record,
          day,
          hour,
          takeHome,
          (order.doseMg / 10) * takeHome,
          'mL',
          request,
          `${takeHome} take-home dose(s) of ${order.doseMg} mg`,
        );
    }
    return;
  }

  // Sublingual buprenorphine (or oral naltrexone): pharmacy dispenses, 7 days early then 14.
  for (let day = mat.start; day <= end;) {
    if (!isCovered(mat, day)) {
      day++;
      continue;
    }
    const { order, request } = orderFor(day);
    if (!order || !request) {
      day++;
      continue;
    }
    const interval = day - mat.start < 28 ? 7 : 14;
    let supply = 0;
    while (
      supply < interval &&
      isCovered(mat, day + supply) &&
      (order.to === undefined || day + supply < order.to)
    )
      supply++;
    const tabletMg = mat.product.display.startsWith('buprenorphine 2 MG') ? 2 : 8;
    const units = Math.max(1, Math.round(order.doseMg / tabletMg)) * supply;
    dispense(
      record,
      day,
      15,
      supply,
      units,
      mat.product.display.includes('Film') ? 'film' : 'tablet',
      request,
      `${supply}-day supply`,
    );
    day += supply;
  }
}

function administration(
  record: RecordContext,
  day: number,
  hour: number,
  status: 'completed' | 'not-done',
  doseMg: number,
  request: MedicationRequest | undefined,
  route: 'PO' | 'SC' | 'IM',
): void {
  const { clock, plan, staff } = record;
  const when = clock.at(day, hour, (plan.index * 7) % 50);
  record.push<MedicationAdministration>({
    resourceType: 'MedicationAdministration',
    id: record.ids.next(),
    meta: record.meta(when),
    status,
    ...(status === 'not-done'
      ? {
          statusReason: [
            {
              coding: [{ system: SYSTEM.snomed, code: '397745006', display: 'Medical contraindication' }],
              text: 'Patient did not attend for dosing',
            },
          ],
        }
      : {}),
    medicationCodeableConcept: {
      coding: [{ system: SYSTEM.rxnorm, code: plan.mat.product.code, display: plan.mat.product.display }],
    },
    subject: record.patientRef,
    effectiveDateTime: when,
    performer: [{ actor: practitionerRef(route === 'PO' ? staff.coordinator : staff.prescriber) }],
    ...(request ? { request: ref(request) } : {}),
    dosage: {
      route: {
        coding: [
          route === 'PO'
            ? { system: SYSTEM.snomed, code: '26643006', display: 'Oral route' }
            : route === 'SC'
              ? { system: SYSTEM.snomed, code: '34206005', display: 'Subcutaneous route' }
              : { system: SYSTEM.snomed, code: '78421000', display: 'Intramuscular route' },
        ],
      },
      dose: { value: doseMg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' },
    },
  });
}

function dispense(
  record: RecordContext,
  day: number,
  hour: number,
  days: number,
  quantity: number,
  unit: string,
  request: MedicationRequest,
  note: string,
): void {
  const { clock, plan, staff } = record;
  const when = clock.at(day, hour, 20);
  record.push<MedicationDispense>({
    resourceType: 'MedicationDispense',
    id: record.ids.next(),
    meta: record.meta(when),
    status: 'completed',
    category: {
      coding: [
        {
          system: 'http://terminology.hl7.org/fhir/CodeSystem/medicationdispense-category',
          code: plan.mat.drug === 'methadone' ? 'outpatient' : 'community',
        },
      ],
    },
    medicationCodeableConcept: {
      coding: [{ system: SYSTEM.rxnorm, code: plan.mat.product.code, display: plan.mat.product.display }],
    },
    subject: record.patientRef,
    performer: [{ actor: practitionerRef(staff.coordinator) }],
    authorizingPrescription: [ref(request)],
    type: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: days <= 2 ? 'FFP' : 'RFP',
          display: days <= 2 ? 'First Fill - Part Fill' : 'Refill - Part Fill',
        },
      ],
    },
    quantity: {
      value: quantity,
      unit,
      system: 'http://unitsofmeasure.org',
      code: unit === 'mL' ? 'mL' : '{' + unit + '}',
    },
    daysSupply: { value: days, unit: 'day', system: 'http://unitsofmeasure.org', code: 'd' },
    whenPrepared: when,
    whenHandedOver: when,
    note: [{ text: note }],
  });
}
