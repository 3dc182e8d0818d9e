import { describe, expect, it } from 'vitest';
import { canRedo, canUndo, HISTORY_LIMIT, record, redo, seal, startHistory, undo } from './history';

describe('history', () => {
  it('undoes and redoes changes in order', () => {
    let history = startHistory('a');
    history = record(history, 'b');
    history = record(history, 'c');
    history = undo(history);
    expect(history.present).toBe('b');
    history = undo(history);
    expect(history.present).toBe('a');
    expect(canUndo(history)).toBe(false);
    history = redo(history);
    expect(history.present).toBe('b');
    history = redo(history);
    expect(history.present).toBe('c');
    expect(canRedo(history)).toBe(false);
  });

  it('forgets the undone future when a new change is made', () => {
    let history = record(record(startHistory(1), 2), 3);
    history = record(undo(history), 4);
    expect(history.present).toBe(4);
    expect(canRedo(history)).toBe(false);
    expect(undo(history).present).toBe(2);
  });

  it('makes consecutive changes of one group (typing in one field) one undo step', () => {
    let history = startHistory('');
    for (const text of ['H', 'He', 'Hel', 'Hell', 'Hello']) history = record(history, text, 'field:greet:/template');
    expect(history.present).toBe('Hello');
    expect(undo(history).present).toBe('');
  });

  it('starts a new step when another field is edited, or when the group was sealed', () => {
    let history = startHistory({ a: '', b: '' });
    history = record(history, { a: 'x', b: '' }, 'a');
    history = record(history, { a: 'x', b: 'y' }, 'b');
    history = record(history, { a: 'xz', b: 'y' }, 'a');
    expect(undo(history).present).toEqual({ a: 'x', b: 'y' });

    let dragged = record(startHistory(0), 1, 'move');
    dragged = record(seal(dragged), 2, 'move');
    expect(undo(dragged).present).toBe(1);
  });

  it('does not join a change to the group of a step that was undone', () => {
    let history = record(record(startHistory('a'), 'ab', 'f'), 'abc', 'f');
    history = undo(history);
    history = record(history, 'x', 'f');
    expect(undo(history).present).toBe('a');
  });

  it('records nothing when the value did not change', () => {
    const history = record(startHistory('a'), 'b');
    expect(record(history, history.present)).toBe(history);
  });

  it(`keeps the last ${HISTORY_LIMIT} steps`, () => {
    let history = startHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 50; i++) history = record(history, i);
    expect(history.past).toHaveLength(HISTORY_LIMIT);
    expect(history.past[0]).toBe(50);
  });
});
