import { describe, expect, it } from 'vitest';
import { HandoverBook } from './direct-handover.ts';

const record = (key: string, body: string) => ({ message: { key, value: Buffer.from(body) } });

describe('HandoverBook', () => {
  it('gives a fetched record its started ticket once, matched by key and bytes', () => {
    const book = new HandoverBook(10);
    const [a, b] = book.expect('d', [record('ep_1', '{"deliveryId":"a"}'), record('ep_1', '{"deliveryId":"b"}')]);
    a!.state = 'started';
    b!.state = 'started';
    expect(book.size).toBe(2);
    expect(book.take('d', Buffer.from('ep_1'), Buffer.from('{"deliveryId":"b"}'))).toBe(b);
    expect(book.take('d', Buffer.from('ep_1'), Buffer.from('{"deliveryId":"b"}'))).toBeUndefined();
    expect(book.take('other', Buffer.from('ep_1'), Buffer.from('{"deliveryId":"a"}'))).toBeUndefined();
    expect(book.take('d', Buffer.from('ep_2'), Buffer.from('{"deliveryId":"a"}'))).toBeUndefined();
    expect(book.take('d', Buffer.from('ep_1'), Buffer.from('{"deliveryId":"a"}'))).toBe(a);
    expect(book.size).toBe(0);
  });

  it('lets the consumer claim a record fetched before its hand-over started', () => {
    const book = new HandoverBook(10);
    const [t] = book.expect('d', [record('ep_1', 'x')]);
    const taken = book.take('d', Buffer.from('ep_1'), Buffer.from('x'));
    expect(taken).toBe(t);
    expect(t!.state).toBe('claimed');
  });

  it('matches two identical records (an event fanned out twice) one ticket each', () => {
    const book = new HandoverBook(10);
    const [first, second] = book.expect('d', [record('ep_1', 'same'), record('ep_1', 'same')]);
    expect(book.take('d', Buffer.from('ep_1'), Buffer.from('same'))).toBe(first);
    expect(book.take('d', Buffer.from('ep_1'), Buffer.from('same'))).toBe(second);
  });

  it('holds no more than its limit, and no record without a key or bytes', () => {
    const book = new HandoverBook(2);
    expect(book.expect('d', [record('a', '1'), record('b', '2'), record('c', '3')])).toEqual([]);
    expect(book.expect('d', [{ message: { key: null, value: Buffer.from('1') } }, { message: { key: 'k', value: 'a string' } }])).toEqual([]);
    expect(book.expect('d', [record('a', '1'), record('b', '2')])).toHaveLength(2);
    expect(book.expect('d', [record('c', '3')])).toEqual([]);
  });

  it('forgets tickets whose record is not produced, and started ones of partitions no longer owned', () => {
    const book = new HandoverBook(10);
    const [a, b, c] = book.expect('d', [record('k', 'a'), record('k', 'b'), record('k', 'c')]);
    book.forget(a!);
    b!.state = 'started';
    b!.partition = 0;
    c!.state = 'started';
    c!.partition = 1;
    book.forgetPartitionsNotIn(new Set(['d/1']));
    expect(book.size).toBe(1);
    expect(book.take('d', Buffer.from('k'), Buffer.from('c'))).toBe(c);
  });
});
