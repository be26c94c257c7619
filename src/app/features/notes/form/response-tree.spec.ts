import { cbtThoughtRecord, dbtDiaryCard } from '../../../../../clinical/templates/index';
import {
  answersAt,
  compactItems,
  ensureRepetitions,
  moveRepetition,
  removeRepetition,
  setAnswers,
} from './response-tree';

const tr = (linkId: string, index = 0) => ({ linkId, index });

describe('response tree', () => {
  it('creates missing groups on the way, in the Questionnaire order', () => {
    let items = setAnswers(
      cbtThoughtRecord,
      [],
      [tr('thought-record'), tr('tr.situation')],
      [{ valueString: 'Payday' }],
    );
    items = setAnswers(
      cbtThoughtRecord,
      items,
      [tr('session'), tr('session.date')],
      [{ valueDate: '2026-03-12' }],
    );
    items = setAnswers(cbtThoughtRecord, items, [tr('format')], [{ valueString: 'DAP' }]);
    expect(items.map((i) => i.linkId)).toEqual(['session', 'format', 'thought-record']);
    expect(answersAt(items, [tr('thought-record'), tr('tr.situation')])).toEqual([{ valueString: 'Payday' }]);
  });

  it('writes into a repetition that does not exist yet, padding the ones before it', () => {
    const path = [tr('diary-card'), tr('diary.day', 3), tr('diary.day.urge-use')];
    const items = setAnswers(dbtDiaryCard, [], path, [{ valueInteger: 4 }]);
    const days = items[0]?.item?.filter((i) => i.linkId === 'diary.day') ?? [];
    expect(days.length).toBe(4);
    expect(answersAt(items, path)).toEqual([{ valueInteger: 4 }]);
    // A blank day in the middle keeps its place when stored; trailing blanks are dropped.
    const more = ensureRepetitions(dbtDiaryCard, items, [tr('diary-card'), tr('diary.day')], 6);
    const stored = compactItems(more);
    expect(stored[0]?.item?.filter((i) => i.linkId === 'diary.day').length).toBe(4);
  });

  it('clears an answer with an empty list, removes and moves repetitions', () => {
    const at = (i: number) => [tr('thought-record'), tr('tr.thought', i), tr('tr.thought.text')];
    let items = setAnswers(cbtThoughtRecord, [], at(0), [{ valueString: 'first' }]);
    items = setAnswers(cbtThoughtRecord, items, at(1), [{ valueString: 'second' }]);
    items = moveRepetition(cbtThoughtRecord, items, [tr('thought-record'), tr('tr.thought', 1)], -1);
    expect(answersAt(items, at(0))).toEqual([{ valueString: 'second' }]);
    items = removeRepetition(cbtThoughtRecord, items, [tr('thought-record'), tr('tr.thought', 0)]);
    expect(answersAt(items, at(0))).toEqual([{ valueString: 'first' }]);
    items = setAnswers(cbtThoughtRecord, items, at(0), []);
    expect(compactItems(items)).toEqual([]);
  });
});
