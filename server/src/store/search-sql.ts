// Compiles a parsed FHIR SearchRequest (@medplum/core) into one SQLite query over the index tables.
//
// Every filter becomes a condition with two forms: a correlated EXISTS on the candidate row, and, when it can
// narrow the search, a "driver" form (`rid IN (SELECT rid FROM idx_… WHERE pid = ? AND …)`). The most selective
// driver is chosen by a fixed ranking (_id, _has, reference, token, uri, string, date, …); the other filters are
// checked per candidate through the (rid, pid) index. No filter ever reads the JSON column.
import type { Filter, SearchRequest, SortRule } from '@medplum/core';
import {
  badRequest,
  OperationOutcomeError,
  Operator,
  parseSearchRequest,
  splitSearchOnComma,
} from '@medplum/core';

import { parseDateRange } from './date-range';
import { splitReference } from './index-rows';
import { COLUMN_PARAMS, getIndexedParams, type IndexedParam, type IndexKind } from './search-params';
import { escapeLike, normalizeText } from './text-normalize';

/** Resolves a (resource type, parameter code) pair to its numeric id in the params table. */
export type PidLookup = (resourceType: string, code: string) => number | undefined;

/** A search filter the store ignored, and why. */
export interface UnsupportedFilter {
  readonly param: string;
  readonly reason: string;
}

export interface CompiledQuery {
  /** `FROM resources r WHERE …` (without SELECT), parameters in `params`. */
  readonly from: string;
  readonly params: unknown[];
  /** `ORDER BY …` clause, parameters in `orderParams`. */
  readonly orderBy: string;
  readonly orderParams: unknown[];
  readonly unsupported: UnsupportedFilter[];
  /**
   * For a search without any selective filter sorted on one indexed parameter: the matches in sort order, read by
   * walking that parameter's index instead of computing the sort key of every row. `ordered` yields one row per
   * index value (a resource may repeat: keep its first occurrence, which carries its sort key); `missing` then yields
   * the matches without a value (NULLS LAST), ordered by id.
   */
  readonly indexOrder?: {
    readonly ordered: { readonly sql: string; readonly params: unknown[] };
    readonly missing: { readonly sql: string; readonly params: unknown[] };
  };
}

interface Cond {
  /** Lower is a better driver; undefined: cannot drive. */
  readonly rank?: number;
  /** Predicate on the resource alias (EXISTS form, or a column predicate). */
  readonly pred: string;
  readonly params: unknown[];
  /** Driver form: a subquery returning rids. Absent for column predicates (they use resources' own indexes). */
  readonly driver?: { readonly sql: string; readonly params: unknown[] };
  /** A predicate on `id` that should drive through the (type, id) index. */
  readonly byId?: boolean;
}

class Unsupported extends Error {}

const TABLE: Record<IndexKind, string> = {
  token: 'idx_token',
  reference: 'idx_ref',
  date: 'idx_date',
  string: 'idx_string',
  number: 'idx_number',
  quantity: 'idx_quantity',
  uri: 'idx_uri',
};

const RANK: Record<IndexKind, number> = {
  reference: 2,
  token: 3,
  uri: 3,
  string: 4,
  quantity: 5,
  number: 5,
  date: 6,
};

export class SearchCompiler {
  private aliasCounter = 0;

  constructor(private readonly pid: PidLookup) {}

  /**
   * @param compartment - when given, only resources in these patients' compartments match (the access policy's
   *   scope, enforced here in SQL so that totals, paging and `_summary=count` stay exact).
   */
  compile(
    request: SearchRequest,
    compartment?: readonly string[],
    orReferencing?: CompartmentAlternative,
  ): CompiledQuery {
    const unsupported: UnsupportedFilter[] = [];
    const alternative = orReferencing && this.referencingCond(request.resourceType, orReferencing);
    const where = this.compileWhere(
      request.resourceType,
      request.filters ?? [],
      'r',
      unsupported,
      true,
      compartment ? [compartmentCond(compartment, 'r', alternative)] : [],
    );
    const order = this.compileOrder(request.resourceType, request.sortRules ?? [], 'r', unsupported);
    const indexOrder = where.selective ? undefined : this.compileIndexOrder(request, where);
    return {
      from: `FROM resources r WHERE ${where.sql}`,
      params: where.params,
      ...order,
      unsupported,
      ...(indexOrder ? { indexOrder } : undefined),
    };
  }

  private compileIndexOrder(
    request: SearchRequest,
    where: { sql: string; params: unknown[] },
  ): CompiledQuery['indexOrder'] {
    const rule = request.sortRules?.length === 1 ? request.sortRules[0] : undefined;
    const param = rule && getIndexedParams(request.resourceType).get(rule.code);
    const pid = param && this.pid(request.resourceType, param.code);
    if (!rule || !param || pid === undefined) {
      return undefined;
    }
    const dir = rule.descending ? 'DESC' : 'ASC';
    // Index order must equal the general path's key: lowest value ascending, highest descending.
    const plans: Partial<Record<IndexKind, { table: string; col: string; index?: string }>> = {
      date: rule.descending
        ? { table: 'idx_date', col: 'hi', index: 'idx_date_hi' }
        : { table: 'idx_date', col: 'lo' },
      string: { table: 'idx_string', col: 'norm' },
      token: { table: 'idx_token', col: 'code' },
      uri: { table: 'idx_uri', col: 'val' },
      quantity: { table: 'idx_quantity', col: 'val' },
      ...(rule.descending ? {} : { number: { table: 'idx_number', col: 'lo' } }),
    };
    const plan = plans[param.kind];
    if (!plan) {
      return undefined;
    }
    const source = plan.index ? `${plan.table} x INDEXED BY ${plan.index}` : `${plan.table} x`;
    return {
      ordered: {
        // CROSS JOIN fixes the join order: walk the index in key order, look each resource up by rid.
        sql: `SELECT r.rid AS rid, r.id AS id, CAST(r.json AS BLOB) AS json FROM ${source} CROSS JOIN resources r ON r.rid = x.rid
              WHERE x.pid = ? AND ${where.sql} ORDER BY x.${plan.col} ${dir}, r.id ASC`,
        params: [pid, ...where.params],
      },
      missing: {
        sql: `SELECT r.rid AS rid, r.id AS id, CAST(r.json AS BLOB) AS json FROM resources r WHERE ${where.sql}
              AND NOT EXISTS (SELECT 1 FROM ${byRid(plan.table)} WHERE x.rid = r.rid AND x.pid = ?) ORDER BY r.id ASC`,
        params: [...where.params, pid],
      },
    };
  }

  /** WHERE clause selecting live resources of `resourceType` (alias `ra`) that satisfy every filter. */
  private compileWhere(
    resourceType: string,
    filters: readonly Filter[],
    ra: string,
    unsupported: UnsupportedFilter[],
    topLevel: boolean,
    extra: readonly Cond[] = [],
  ): { sql: string; params: unknown[]; selective: boolean } {
    const conds: Cond[] = [...extra];
    for (const filter of filters) {
      try {
        conds.push(this.compileFilter(resourceType, filter, ra));
      } catch (err) {
        if (err instanceof Unsupported) {
          if (!topLevel) {
            throw err;
          }
          unsupported.push({ param: filter.code, reason: err.message });
        } else {
          throw err;
        }
      }
    }
    let best: Cond | undefined;
    for (const c of conds) {
      if (c.rank !== undefined && (best?.rank === undefined || c.rank < best.rank)) {
        best = c;
      }
    }
    const parts: string[] = [];
    const params: unknown[] = [];
    if (best?.driver) {
      // Unary + keeps SQLite from using the type index instead of the driver subquery.
      parts.push(`+${ra}.type = ?`, `+${ra}.deleted = 0`, `${ra}.rid IN (${best.driver.sql})`);
      params.push(resourceType, ...best.driver.params);
    } else if (best?.byId) {
      parts.push(`${ra}.type = ?`, `+${ra}.deleted = 0`);
      params.push(resourceType);
    } else {
      parts.push(`${ra}.type = ?`, `${ra}.deleted = 0`);
      params.push(resourceType);
    }
    for (const c of conds) {
      if (c === best && c.driver) {
        continue;
      }
      parts.push(c.pred);
      params.push(...c.params);
    }
    return { sql: parts.join(' AND '), params, selective: best !== undefined };
  }

  private compileFilter(resourceType: string, filter: Filter, ra: string): Cond {
    if (filter.code.startsWith('_has:')) {
      return this.compileHas(resourceType, filter, ra);
    }
    if (filter.code.includes('.')) {
      return this.compileChain(resourceType, filter, ra);
    }
    if (filter.code === '_id') {
      return this.compileId(filter, ra);
    }
    if (filter.code === '_lastUpdated') {
      return this.compileLastUpdated(filter, ra);
    }
    const param = getIndexedParams(resourceType).get(filter.code);
    if (!param) {
      throw new Unsupported(`Unknown or unsupported search parameter ${resourceType}.${filter.code}`);
    }
    if (filter.operator === Operator.IDENTIFIER) {
      const idParam = getIndexedParams(resourceType).get(filter.code + ':identifier');
      if (!idParam) {
        throw new Unsupported(`:identifier is not supported on ${filter.code}`);
      }
      return this.indexCond(resourceType, idParam, 'idx_token', this.tokenPred(filter, 'x'), false, ra);
    }
    const pid = this.requirePid(resourceType, param.code);
    if (filter.operator === Operator.MISSING || filter.operator === Operator.PRESENT) {
      const wantPresent = (filter.operator === Operator.MISSING) === (filter.value === 'false');
      const tables = param.kind === 'token' ? ['idx_token', 'idx_text'] : [TABLE[param.kind]];
      const exists = tables.map(
        (t) => `EXISTS (SELECT 1 FROM ${byRid(t)} WHERE x.rid = ${ra}.rid AND x.pid = ?)`,
      );
      const pred = wantPresent ? `(${exists.join(' OR ')})` : `NOT (${exists.join(' OR ')})`;
      return { pred, params: tables.map(() => pid) };
    }
    const negate = filter.operator === Operator.NOT || filter.operator === Operator.NOT_EQUALS;
    switch (param.kind) {
      case 'token':
        if (filter.operator === Operator.TEXT) {
          return this.indexCond(resourceType, param, 'idx_text', this.textPred(filter), false, ra);
        }
        this.allow(filter, param, [Operator.EQUALS, Operator.NOT, Operator.NOT_EQUALS]);
        return this.indexCond(resourceType, param, 'idx_token', this.tokenPred(filter, 'x'), negate, ra);
      case 'reference':
        this.allow(filter, param, [Operator.EQUALS, Operator.NOT, Operator.NOT_EQUALS]);
        return this.indexCond(resourceType, param, 'idx_ref', this.referencePred(filter, param), negate, ra);
      case 'string':
        this.allow(filter, param, [Operator.EQUALS, Operator.CONTAINS, Operator.EXACT, Operator.NOT_EQUALS]);
        return this.indexCond(resourceType, param, 'idx_string', this.stringPred(filter), negate, ra);
      case 'uri':
        this.allow(filter, param, [Operator.EQUALS, Operator.BELOW, Operator.NOT_EQUALS]);
        return this.indexCond(resourceType, param, 'idx_uri', this.uriPred(filter), negate, ra);
      case 'date':
        return this.indexCond(
          resourceType,
          param,
          'idx_date',
          this.datePred(filter, 'x.lo', 'x.hi'),
          negate,
          ra,
        );
      case 'number':
        return this.indexCond(
          resourceType,
          param,
          'idx_number',
          this.numberPred(filter, 'x.lo', 'x.hi'),
          negate,
          ra,
        );
      case 'quantity':
        return this.indexCond(resourceType, param, 'idx_quantity', this.quantityPred(filter), negate, ra);
    }
  }

  private allow(filter: Filter, param: IndexedParam, operators: string[]): void {
    if (!operators.includes(filter.operator)) {
      throw new Unsupported(
        `Modifier or prefix "${filter.operator}" is not supported on ${param.kind} parameter ${param.code}`,
      );
    }
  }

  private requirePid(resourceType: string, code: string): number {
    const pid = this.pid(resourceType, code);
    if (pid === undefined) {
      throw new Unsupported(`Search parameter ${resourceType}.${code} is not indexed`);
    }
    return pid;
  }

  private indexCond(
    resourceType: string,
    param: IndexedParam,
    table: string,
    pred: { sql: string; params: unknown[] },
    negate: boolean,
    ra: string,
  ): Cond {
    const pid = this.requirePid(resourceType, param.code);
    const inner = `x.pid = ? AND ${pred.sql}`;
    const params = [pid, ...pred.params];
    const exists = `EXISTS (SELECT 1 FROM ${byRid(table)} WHERE x.rid = ${ra}.rid AND ${inner})`;
    if (negate) {
      return { pred: `NOT ${exists}`, params };
    }
    return {
      rank: table === 'idx_text' ? 7 : RANK[param.kind],
      pred: exists,
      params,
      driver: { sql: `SELECT x.rid FROM ${table} x WHERE ${inner}`, params },
    };
  }

  private tokenPred(filter: Filter, x: string): { sql: string; params: unknown[] } {
    const ors: string[] = [];
    const params: unknown[] = [];
    const plainCodes: string[] = [];
    for (const value of splitSearchOnComma(filter.value)) {
      const bar = value.indexOf('|');
      if (bar < 0) {
        plainCodes.push(value);
        continue;
      }
      const system = value.slice(0, bar);
      const code = value.slice(bar + 1);
      if (system && code) {
        ors.push(`(${x}.code = ? AND ${x}.sys = ?)`);
        params.push(code, system);
      } else if (code) {
        ors.push(`(${x}.code = ? AND ${x}.sys = '')`);
        params.push(code);
      } else if (system) {
        ors.push(`${x}.sys = ?`);
        params.push(system);
      }
    }
    if (plainCodes.length > 0) {
      ors.unshift(`${x}.code IN (${plainCodes.map(() => '?').join(',')})`);
      params.unshift(...plainCodes);
    }
    if (ors.length === 0) {
      return { sql: '0', params: [] };
    }
    return { sql: ors.length === 1 ? (ors[0] as string) : `(${ors.join(' OR ')})`, params };
  }

  private textPred(filter: Filter): { sql: string; params: unknown[] } {
    const ors: string[] = [];
    const params: unknown[] = [];
    for (const value of splitSearchOnComma(filter.value)) {
      const v = normalizeText(value);
      if (!v) {
        continue;
      }
      // Matches the text or any word in it starting with the value.
      ors.push(`(x.norm >= ? AND x.norm < ?)`, `x.norm LIKE ? ESCAPE '\\'`);
      params.push(v, prefixUpperBound(v), `% ${escapeLike(v)}%`);
    }
    return ors.length ? { sql: `(${ors.join(' OR ')})`, params } : { sql: '0', params: [] };
  }

  private referencePred(filter: Filter, param: IndexedParam): { sql: string; params: unknown[] } {
    const ors: string[] = [];
    const params: unknown[] = [];
    for (const value of splitSearchOnComma(filter.value)) {
      if (!value) {
        continue;
      }
      if (value.includes('/') || value.includes(':')) {
        const [type, id] = splitReference(value);
        ors.push(`(x.tid = ? AND x.ttype = ?)`);
        params.push(id, type);
      } else if (param.targets.length === 1) {
        ors.push(`(x.tid = ? AND x.ttype = ?)`);
        params.push(value, param.targets[0]);
      } else {
        ors.push(`x.tid = ?`);
        params.push(value);
      }
    }
    return ors.length ? { sql: `(${ors.join(' OR ')})`, params } : { sql: '0', params: [] };
  }

  private stringPred(filter: Filter): { sql: string; params: unknown[] } {
    const ors: string[] = [];
    const params: unknown[] = [];
    for (const value of splitSearchOnComma(filter.value)) {
      if (filter.operator === Operator.EXACT) {
        ors.push('x.raw = ?');
        params.push(value);
        continue;
      }
      const v = normalizeText(value);
      if (filter.operator === Operator.CONTAINS) {
        ors.push(`x.norm LIKE ? ESCAPE '\\'`);
        params.push(`%${escapeLike(v)}%`);
      } else if (v) {
        ors.push('(x.norm >= ? AND x.norm < ?)');
        params.push(v, prefixUpperBound(v));
      } else {
        ors.push('1');
      }
    }
    return ors.length ? { sql: `(${ors.join(' OR ')})`, params } : { sql: '0', params: [] };
  }

  private uriPred(filter: Filter): { sql: string; params: unknown[] } {
    const values = splitSearchOnComma(filter.value);
    if (filter.operator === Operator.BELOW) {
      return {
        sql: `(${values.map(() => '(x.val >= ? AND x.val < ?)').join(' OR ')})`,
        params: values.flatMap((v) => [v, prefixUpperBound(v)]),
      };
    }
    return { sql: `x.val IN (${values.map(() => '?').join(',')})`, params: values };
  }

  /** Date prefixes per FHIR R4 §3.1.1.4.2, with [lo, hi] the resource's range and [ps, pe] the search value's. */
  private datePred(filter: Filter, lo: string, hi: string): { sql: string; params: unknown[] } {
    const ors: string[] = [];
    const params: unknown[] = [];
    for (const value of splitSearchOnComma(filter.value)) {
      const range = parseDateRange(value);
      if (!range) {
        throw new OperationOutcomeError(badRequest(`Invalid date value for ${filter.code}: ${value}`));
      }
      const { start: ps, end: pe } = range;
      switch (filter.operator) {
        case Operator.EQUALS:
        case Operator.NOT_EQUALS:
          ors.push(`(${lo} >= ? AND ${hi} <= ?)`);
          params.push(ps, pe);
          break;
        case Operator.GREATER_THAN:
          ors.push(`${hi} > ?`);
          params.push(pe);
          break;
        case Operator.LESS_THAN:
          ors.push(`${lo} < ?`);
          params.push(ps);
          break;
        case Operator.GREATER_THAN_OR_EQUALS:
          ors.push(`(${hi} >= ? AND (${hi} > ? OR ${lo} >= ?))`);
          params.push(ps, pe, ps);
          break;
        case Operator.LESS_THAN_OR_EQUALS:
          ors.push(`(${lo} <= ? AND (${lo} < ? OR ${hi} <= ?))`);
          params.push(pe, ps, pe);
          break;
        case Operator.STARTS_AFTER:
          ors.push(`${lo} > ?`);
          params.push(pe);
          break;
        case Operator.ENDS_BEFORE:
          ors.push(`${hi} < ?`);
          params.push(ps);
          break;
        case Operator.APPROXIMATELY: {
          // ±10 % of the distance from now, at least one day.
          const margin = Math.max(86_400_000, Math.abs(Date.now() - ps) * 0.1);
          ors.push(`(${lo} <= ? AND ${hi} >= ?)`);
          params.push(pe + margin, ps - margin);
          break;
        }
        default:
          throw new Unsupported(
            `Prefix or modifier "${filter.operator}" is not supported on date parameter ${filter.code}`,
          );
      }
    }
    return { sql: `(${ors.join(' OR ')})`, params };
  }

  /** Number prefixes; `eq` uses the implicit precision of the value (100 matches [99.5, 100.5)). */
  private numberPred(
    filter: Filter,
    lo: string,
    hi: string,
    rawValues?: string[],
  ): { sql: string; params: unknown[] } {
    const ors: string[] = [];
    const params: unknown[] = [];
    for (const value of rawValues ?? splitSearchOnComma(filter.value)) {
      const n = Number(value);
      if (!value || Number.isNaN(n)) {
        throw new OperationOutcomeError(badRequest(`Invalid number value for ${filter.code}: ${value}`));
      }
      const decimals = value.includes('.') ? (value.split('.')[1] as string).replace(/e.*$/i, '').length : 0;
      const half = 0.5 * 10 ** -decimals;
      switch (filter.operator) {
        case Operator.EQUALS:
        case Operator.NOT_EQUALS:
          ors.push(`(${lo} >= ? AND ${hi} < ?)`);
          params.push(n - half, n + half);
          break;
        case Operator.GREATER_THAN:
        case Operator.STARTS_AFTER:
          ors.push(`${hi} > ?`);
          params.push(n);
          break;
        case Operator.LESS_THAN:
        case Operator.ENDS_BEFORE:
          ors.push(`${lo} < ?`);
          params.push(n);
          break;
        case Operator.GREATER_THAN_OR_EQUALS:
          ors.push(`${hi} >= ?`);
          params.push(n);
          break;
        case Operator.LESS_THAN_OR_EQUALS:
          ors.push(`${lo} <= ?`);
          params.push(n);
          break;
        case Operator.APPROXIMATELY: {
          const margin = Math.abs(n) * 0.1;
          ors.push(`(${lo} >= ? AND ${hi} <= ?)`);
          params.push(n - margin, n + margin);
          break;
        }
        default:
          throw new Unsupported(`Prefix or modifier "${filter.operator}" is not supported on ${filter.code}`);
      }
    }
    return { sql: `(${ors.join(' OR ')})`, params };
  }

  /** `[prefix]number|system|code`; without a system, the code matches Quantity.code or Quantity.unit. */
  private quantityPred(filter: Filter): { sql: string; params: unknown[] } {
    const ors: string[] = [];
    const params: unknown[] = [];
    for (const value of splitSearchOnComma(filter.value)) {
      const [num = '', system, code] = value.split('|');
      const numeric = this.numberPred(filter, 'x.val', 'x.val', [num]);
      const parts = [numeric.sql];
      const p = [...numeric.params];
      if (system) {
        parts.push('x.sys = ?');
        p.push(system);
      }
      if (code) {
        parts.push(system ? 'x.code = ?' : '(x.code = ? OR x.unit = ?)');
        p.push(...(system ? [code] : [code, code]));
      }
      ors.push(`(${parts.join(' AND ')})`);
      params.push(...p);
    }
    return { sql: `(${ors.join(' OR ')})`, params };
  }

  private compileId(filter: Filter, ra: string): Cond {
    const ids = splitSearchOnComma(filter.value);
    const inList = `${ra}.id IN (${ids.map(() => '?').join(',')})`;
    if (filter.operator === Operator.NOT || filter.operator === Operator.NOT_EQUALS) {
      return { pred: `NOT ${inList}`, params: ids };
    }
    if (filter.operator !== Operator.EQUALS) {
      throw new Unsupported(`Modifier "${filter.operator}" is not supported on _id`);
    }
    return { rank: 0, pred: inList, params: ids, byId: true };
  }

  private compileLastUpdated(filter: Filter, ra: string): Cond {
    const col = `${ra}.last_updated_ms`;
    const pred = this.datePred(filter, col, col);
    if (filter.operator === Operator.NOT_EQUALS) {
      return { pred: `NOT ${pred.sql}`, params: pred.params };
    }
    return { rank: 8, pred: pred.sql, params: pred.params };
  }

  /**
   * Forward chain, one level: `subject:Patient.name=smith`, or `subject.name=smith` over the param's targets; the
   * chained parameter may be a one-level `_has` (`subject:Patient._has:CareTeam:patient:status=active`).
   */
  private compileChain(resourceType: string, filter: Filter, ra: string): Cond {
    const dot = filter.code.indexOf('.');
    const left = filter.code.slice(0, dot);
    const right = filter.code.slice(dot + 1);
    if (right.includes('.')) {
      throw new Unsupported('Chained search is supported one level deep');
    }
    const [refCode = '', explicitType] = left.split(':');
    const refParam = getIndexedParams(resourceType).get(refCode);
    if (refParam?.kind !== 'reference') {
      throw new Unsupported(`${resourceType}.${refCode} is not a reference parameter`);
    }
    const chainedCode = right.split(':')[0] as string;
    const candidates = explicitType ? [explicitType] : refParam.targets;
    // `patient._has:CareTeam:patient:participant=…`: the chain's target must be what the `_has` reference points at.
    const hasTargets = chainedCode === '_has' ? this.hasReferenceTargets(right) : undefined;
    const targets = candidates.filter((t) =>
      hasTargets
        ? hasTargets.includes(t)
        : COLUMN_PARAMS.has(chainedCode) || getIndexedParams(t).has(chainedCode),
    );
    if (targets.length === 0) {
      throw new Unsupported(`Cannot chain ${refCode} to parameter ${chainedCode}`);
    }
    const ors: string[] = [];
    const params: unknown[] = [];
    for (const targetType of targets) {
      const sub = parseSearchRequest(targetType, { [right]: filter.value });
      const t = this.nextAlias();
      const where = this.compileWhere(targetType, sub.filters ?? [], t, [], false);
      ors.push(`(x.ttype = ? AND x.tid IN (SELECT ${t}.id FROM resources ${t} WHERE ${where.sql}))`);
      params.push(targetType, ...where.params);
    }
    const pid = this.requirePid(resourceType, refCode);
    const inner = `x.pid = ? AND (${ors.join(' OR ')})`;
    const allParams = [pid, ...params];
    return {
      rank: 2,
      pred: `EXISTS (SELECT 1 FROM ${byRid('idx_ref')} WHERE x.rid = ${ra}.rid AND ${inner})`,
      params: allParams,
      driver: { sql: `SELECT x.rid FROM idx_ref x WHERE ${inner}`, params: allParams },
    };
  }

  /** The types the reference parameter of a `_has:Type:reference:param` key may point at (empty if unknown). */
  private hasReferenceTargets(key: string): readonly string[] {
    const [, sourceType = '', refCode = ''] = key.split(':');
    const refParam = getIndexedParams(sourceType).get(refCode);
    return refParam?.kind === 'reference' ? refParam.targets : [];
  }

  /**
   * Reverse chain, one level: `_has:Observation:patient:code=1234-5`. Also the target of a one-level forward chain
   * (`Observation?patient._has:CareTeam:patient:participant=Practitioner/1`), compiled by {@link compileChain}.
   */
  private compileHas(resourceType: string, filter: Filter, ra: string): Cond {
    const [, sourceType = '', refCode = '', ...rest] = filter.code.split(':');
    const sourceParamKey = rest.join(':');
    if (!sourceParamKey || sourceParamKey.startsWith('_has')) {
      throw new Unsupported('_has is supported one level deep: _has:Type:reference:param=value');
    }
    const refParam = getIndexedParams(sourceType).get(refCode);
    if (refParam?.kind !== 'reference') {
      throw new Unsupported(`${sourceType}.${refCode} is not a reference parameter`);
    }
    const sub = parseSearchRequest(sourceType, { [sourceParamKey]: filter.value });
    const s = this.nextAlias();
    const where = this.compileWhere(sourceType, sub.filters ?? [], s, [], false);
    const pid = this.requirePid(sourceType, refCode);
    return {
      rank: 1,
      byId: true,
      pred: `${ra}.id IN (SELECT x.tid FROM idx_ref x WHERE x.pid = ? AND x.ttype = ? AND x.rid IN (SELECT ${s}.rid FROM resources ${s} WHERE ${where.sql}))`,
      params: [pid, resourceType, ...where.params],
    };
  }

  private compileOrder(
    resourceType: string,
    sortRules: readonly SortRule[],
    ra: string,
    unsupported: UnsupportedFilter[],
  ): { orderBy: string; orderParams: unknown[] } {
    if (sortRules.length === 0) {
      return { orderBy: `ORDER BY ${ra}.rid`, orderParams: [] };
    }
    const terms: string[] = [];
    const orderParams: unknown[] = [];
    for (const rule of sortRules) {
      const dir = rule.descending ? 'DESC' : 'ASC';
      if (rule.code === '_id') {
        terms.push(`${ra}.id ${dir}`);
        continue;
      }
      if (rule.code === '_lastUpdated') {
        terms.push(`${ra}.last_updated_ms ${dir}`);
        continue;
      }
      const param = getIndexedParams(resourceType).get(rule.code);
      const pid = param && this.pid(resourceType, param.code);
      if (!param || pid === undefined) {
        unsupported.push({ param: '_sort', reason: `Cannot sort ${resourceType} by ${rule.code}` });
        continue;
      }
      // Ascending sorts by the lowest value of a resource, descending by the highest.
      const agg = rule.descending ? 'MAX' : 'MIN';
      const col: Record<IndexKind, string> = {
        token: 'x.code',
        reference: `x.ttype || '/' || x.tid`,
        date: rule.descending ? 'x.hi' : 'x.lo',
        string: 'x.norm',
        number: rule.descending ? 'x.hi' : 'x.lo',
        quantity: 'x.val',
        uri: 'x.val',
      };
      terms.push(
        `(SELECT ${agg}(${col[param.kind]}) FROM ${byRid(TABLE[param.kind])} WHERE x.rid = ${ra}.rid AND x.pid = ?) ${dir} NULLS LAST`,
      );
      orderParams.push(pid);
    }
    terms.push(`${ra}.id ASC`);
    return { orderBy: `ORDER BY ${terms.join(', ')}`, orderParams };
  }

  /** Index rows of `alternative`'s reference parameters pointing at its reference (unknown parameters: none). */
  private referencingCond(resourceType: string, alternative: CompartmentAlternative): Cond | undefined {
    const [type, id] = splitReference(alternative.reference);
    const pids = alternative.params
      .map((code) => this.pid(resourceType, code))
      .filter((pid): pid is number => pid !== undefined);
    if (!type || pids.length === 0) {
      return undefined;
    }
    const inner = `x.pid IN (SELECT value FROM json_each(?)) AND x.ttype = ? AND x.tid = ?`;
    const params = [JSON.stringify(pids), type, id];
    return { pred: inner, params, driver: { sql: `SELECT x.rid FROM idx_ref x WHERE ${inner}`, params } };
  }

  private nextAlias(): string {
    return `r${++this.aliasCounter}`;
  }
}

/**
 * `<table> x` forced onto its (rid, pid) index, for checks of one candidate row. Without it, SQLite may pick the
 * lookup index (e.g. (pid, hi) for MAX(hi), or (pid, code) for a token) and scan a whole parameter per candidate.
 */
/**
 * Membership in one of the given patients' compartments. It drives the query only when no filter can (rank 8):
 * a caseload-sized scope is usually less selective than a code or a reference.
 */
function compartmentCond(patients: readonly string[], ra: string, alternative?: Cond): Cond {
  const list = JSON.stringify(patients);
  // `+c.patient`: a candidate's compartment rows are looked up by rid alone (one or two), each then tested
  // against the list, built once. Without the `+`, SQLite probes the (rid, patient) index once per listed patient
  // for every candidate: 1,789 probes a row for a 2,000-patient program, ~0.3 ms each row (bench/README.md).
  const member = `EXISTS (SELECT 1 FROM compartment c WHERE c.rid = ${ra}.rid AND +c.patient IN (SELECT value FROM json_each(?)))`;
  const driver = 'SELECT c.rid FROM compartment c WHERE c.patient IN (SELECT value FROM json_each(?))';
  if (!alternative?.driver) {
    return { rank: 8, pred: member, params: [list], driver: { sql: driver, params: [list] } };
  }
  return {
    rank: 8,
    pred: `(${member} OR EXISTS (SELECT 1 FROM ${byRid('idx_ref')} WHERE x.rid = ${ra}.rid AND ${alternative.pred}))`,
    params: [list, ...alternative.params],
    driver: {
      sql: `${driver} UNION ${alternative.driver.sql}`,
      params: [list, ...alternative.driver.params],
    },
  };
}

/** A second way into a compartment-scoped search: reference parameters of the searched type pointing at one target. */
export interface CompartmentAlternative {
  readonly params: readonly string[];
  readonly reference: string;
}

function byRid(table: string): string {
  return `${table} x INDEXED BY ${table}_rid`;
}

/** The smallest string greater than every string starting with `prefix` (for index range scans). */
function prefixUpperBound(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}
