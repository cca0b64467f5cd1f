import { describe, expect, it } from 'vitest';
import { compileFilter, filterProblem, FILTER_LIMITS, type FilterableEvent } from './event-filter.ts';

const event: FilterableEvent = {
  id: 'evt_1',
  type: 'invoice.paid',
  createdAt: '2026-05-01T10:00:00.000Z',
  headers: { 'x-github-event': 'push' },
  data: {
    amount: 250,
    currency: 'EUR',
    customer: { id: 'cus_9', country: 'DE', vip: true, email: 'Ana@Example.com' },
    tags: ['new', 'vip'],
    items: [
      { sku: 'A-1', qty: 2, price: 10 },
      { sku: 'B-7', qty: 1, price: 230 },
    ],
    matrix: [[1, 2], [3]],
    note: null,
    zero: 0,
  },
};

function matches(filter: unknown, e: FilterableEvent = event): boolean {
  const compiled = compileFilter(filter);
  if (!compiled.ok) throw new Error(`${compiled.problem.path}: ${compiled.problem.message}`);
  return compiled.match(e);
}

describe('filter operators', () => {
  it('an empty filter matches everything', () => {
    expect(matches({})).toBe(true);
  });

  it('equality on a value, $eq and $ne', () => {
    expect(matches({ type: 'invoice.paid' })).toBe(true);
    expect(matches({ type: 'invoice.sent' })).toBe(false);
    expect(matches({ 'data.amount': 250 })).toBe(true);
    expect(matches({ 'data.amount': '250' })).toBe(false); // no type coercion
    expect(matches({ 'data.customer.vip': true })).toBe(true);
    expect(matches({ 'data.customer': { vip: true, country: 'DE', id: 'cus_9', email: 'Ana@Example.com' } })).toBe(true); // any key order
    expect(matches({ 'data.customer': { country: 'DE' } })).toBe(false); // a whole object, not a subset
    expect(matches({ 'data.amount': { $eq: 250 } })).toBe(true);
    expect(matches({ 'data.amount': { $ne: 250 } })).toBe(false);
    expect(matches({ 'data.amount': { $ne: 1 } })).toBe(true);
    expect(matches({ 'data.missing': { $ne: 1 } })).toBe(true); // a missing field is not equal to 1
    expect(matches({ id: 'evt_1', createdAt: '2026-05-01T10:00:00.000Z' })).toBe(true);
    expect(matches({ 'headers.x-github-event': 'push' })).toBe(true);
  });

  it('null equals null and a missing field', () => {
    expect(matches({ 'data.note': null })).toBe(true);
    expect(matches({ 'data.missing': null })).toBe(true);
    expect(matches({ 'data.amount': null })).toBe(false);
    expect(matches({ 'data.note': { $exists: true } })).toBe(true);
  });

  it('$in and $nin', () => {
    expect(matches({ type: { $in: ['invoice.paid', 'invoice.failed'] } })).toBe(true);
    expect(matches({ type: { $in: ['order.created'] } })).toBe(false);
    expect(matches({ type: { $nin: ['invoice.paid'] } })).toBe(false);
    expect(matches({ type: { $nin: ['order.created'] } })).toBe(true);
    expect(matches({ 'data.missing': { $nin: ['x'] } })).toBe(true);
    expect(matches({ 'data.missing': { $in: ['x'] } })).toBe(false);
    expect(matches({ 'data.tags': { $in: ['vip', 'gold'] } })).toBe(true); // any element
    expect(matches({ 'data.tags': { $nin: ['vip'] } })).toBe(false);
    expect(matches({ type: { $in: [] } })).toBe(false);
  });

  it('$exists', () => {
    expect(matches({ 'data.customer.id': { $exists: true } })).toBe(true);
    expect(matches({ 'data.customer.phone': { $exists: true } })).toBe(false);
    expect(matches({ 'data.customer.phone': { $exists: false } })).toBe(true);
    expect(matches({ 'data.amount.value': { $exists: true } })).toBe(false); // through a number
    expect(matches({ 'data.zero': { $exists: true } })).toBe(true);
  });

  it('$gt, $gte, $lt, $lte on numbers and strings, never across types', () => {
    expect(matches({ 'data.amount': { $gt: 100 } })).toBe(true);
    expect(matches({ 'data.amount': { $gt: 250 } })).toBe(false);
    expect(matches({ 'data.amount': { $gte: 250 } })).toBe(true);
    expect(matches({ 'data.amount': { $lt: 250 } })).toBe(false);
    expect(matches({ 'data.amount': { $lte: 250, $gt: 200 } })).toBe(true); // a range
    expect(matches({ 'data.amount': { $gt: '100' } })).toBe(false); // a number is not compared with a string
    expect(matches({ 'data.currency': { $gt: 100 } })).toBe(false);
    expect(matches({ createdAt: { $gte: '2026-05-01T00:00:00Z', $lt: '2026-05-02' } })).toBe(true);
    expect(matches({ 'data.missing': { $lt: 1 } })).toBe(false);
    expect(matches({ 'data.customer': { $gt: 1 } })).toBe(false);
    expect(matches({ 'data.note': { $lt: 1 } })).toBe(false);
  });

  it('$regex, with $options i', () => {
    expect(matches({ type: { $regex: '^invoice\\.' } })).toBe(true);
    expect(matches({ type: { $regex: '^order\\.' } })).toBe(false);
    expect(matches({ 'data.customer.email': { $regex: '@example\\.com$' } })).toBe(false);
    expect(matches({ 'data.customer.email': { $regex: '@example\\.com$', $options: 'i' } })).toBe(true);
    expect(matches({ 'data.amount': { $regex: '250' } })).toBe(false); // only strings
    expect(matches({ 'data.tags': { $regex: '^v' } })).toBe(true); // any element
    expect(matches({ 'data.missing': { $regex: '' } })).toBe(false);
  });

  it('$and, $or, $not at the top, and $not on a field', () => {
    expect(matches({ $and: [{ type: 'invoice.paid' }, { 'data.amount': { $gt: 100 } }] })).toBe(true);
    expect(matches({ $and: [{ type: 'invoice.paid' }, { 'data.amount': { $gt: 1_000 } }] })).toBe(false);
    expect(matches({ $or: [{ type: 'order.created' }, { 'data.currency': 'EUR' }] })).toBe(true);
    expect(matches({ $or: [{ type: 'order.created' }, { 'data.currency': 'USD' }] })).toBe(false);
    expect(matches({ $not: { type: 'invoice.paid' } })).toBe(false);
    expect(matches({ $not: { $or: [{ type: 'x' }, { 'data.amount': { $lt: 10 } }] } })).toBe(true);
    expect(matches({ 'data.amount': { $not: { $gt: 1_000 } } })).toBe(true);
    expect(matches({ 'data.amount': { $not: { $gt: 100 } } })).toBe(false);
    expect(matches({ 'data.missing': { $not: { $gt: 1 } } })).toBe(true);
    // The example of the issue: every key must hold.
    expect(matches({ type: { $in: ['invoice.paid'] }, 'data.amount': { $gt: 100 } })).toBe(true);
    expect(matches({ type: { $in: ['invoice.paid'] }, 'data.amount': { $gt: 300 } })).toBe(false);
  });
});

describe('filter paths and arrays', () => {
  it('crosses arrays of objects: a condition holds when any element satisfies it', () => {
    expect(matches({ 'data.items.sku': 'B-7' })).toBe(true);
    expect(matches({ 'data.items.sku': 'C-0' })).toBe(false);
    expect(matches({ 'data.items.price': { $gt: 200 } })).toBe(true);
    expect(matches({ 'data.items.price': { $gt: 500 } })).toBe(false);
    expect(matches({ 'data.items.qty': { $exists: true } })).toBe(true);
  });

  it('takes an array index as a segment', () => {
    expect(matches({ 'data.items.0.sku': 'A-1' })).toBe(true);
    expect(matches({ 'data.items.1.sku': 'A-1' })).toBe(false);
    expect(matches({ 'data.tags.1': 'vip' })).toBe(true);
    expect(matches({ 'data.tags.5': { $exists: true } })).toBe(false);
  });

  it('compares a whole array with $eq or a value, and elements with a scalar', () => {
    expect(matches({ 'data.tags': ['new', 'vip'] })).toBe(true);
    expect(matches({ 'data.tags': { $eq: ['new', 'vip'] } })).toBe(true);
    expect(matches({ 'data.tags': { $eq: ['vip', 'new'] } })).toBe(false); // order matters in arrays
    expect(matches({ 'data.tags': 'vip' })).toBe(true);
    expect(matches({ 'data.matrix': [3] })).toBe(true); // an element that is itself an array
    expect(matches({ 'data.matrix': 3 })).toBe(false); // one level only
  });

  it('finds nothing at missing or mistyped paths', () => {
    expect(matches({ 'data.customer.address.city': 'Berlin' })).toBe(false);
    expect(matches({ 'data.currency.code': 'EUR' })).toBe(false);
    expect(matches({ 'headers.x-other': { $exists: true } })).toBe(false);
    expect(matches({ 'headers.x-other': 'a' }, { type: 't', data: {} })).toBe(false); // no headers at all
    expect(matches({ 'data.__proto__': { $exists: true } })).toBe(false);
    expect(matches({ 'data.constructor': { $exists: true } })).toBe(false);
  });
});

describe('filter validation', () => {
  const problem = (f: unknown) => filterProblem(f);

  it('accepts valid filters', () => {
    expect(problem({ type: { $in: ['invoice.paid'] }, 'data.amount': { $gt: 100 } })).toBeNull();
    expect(problem({})).toBeNull();
  });

  it('names the path of the first problem', () => {
    expect(problem({ 'data.amount': { $gt: true } })).toEqual({ path: 'data.amount.$gt', message: 'must be a number or a string' });
    expect(problem({ 'data.amount': { $between: [1, 2] } })?.path).toBe('data.amount.$between');
    expect(problem({ $or: [{ type: 'a' }, { 'data.x': { $in: 'a' } }] })?.path).toBe('$or.1.data.x.$in');
    expect(problem({ $or: [] })?.path).toBe('$or');
    expect(problem({ $nor: [{ type: 'a' }] })?.path).toBe('$nor');
    expect(problem({ meta: 1 })).toEqual({ path: 'meta', message: expect.stringContaining('unknown field "meta"') });
    expect(problem({ 'metadata.region': 'eu' })).toBeNull();
    expect(problem({ 'data..x': 1 })?.path).toBe('data..x');
    expect(problem({ 'data.x': { $exists: 'yes' } })?.path).toBe('data.x.$exists');
    expect(problem({ 'data.x': { $gt: 1, y: 2 } })?.path).toBe('data.x.y');
    expect(problem({ 'data.x': { $not: 5 } })?.path).toBe('data.x.$not');
    expect(problem({ 'data.x': { $options: 'i' } })?.path).toBe('data.x.$options');
    expect(problem({ 'data.x': { $regex: 'a', $options: 'g' } })?.path).toBe('data.x.$options');
    expect(problem({ 'data.x': { $regex: 5 } })?.path).toBe('data.x.$regex');
    expect(problem({ $and: [{ 'data.x': { $regex: '(a)\\1' } }] })).toEqual({ path: '$and.0.data.x.$regex', message: 'back-references are not supported' });
    expect(problem({ $not: [] })?.path).toBe('$not');
  });

  it('refuses what is not an object of conditions', () => {
    for (const f of [null, [], 'type', 3, true]) expect(problem(f)).toEqual({ path: '', message: expect.any(String) });
    expect(problem({ $and: [1] })?.path).toBe('$and.0');
  });

  it('bounds size, depth, conditions, lists and paths', () => {
    expect(problem({ 'data.x': 'y'.repeat(FILTER_LIMITS.maxJsonLength) })?.message).toMatch(/longer than/);
    let deep: unknown = { type: 'a' };
    for (let i = 0; i < FILTER_LIMITS.maxDepth + 1; i++) deep = { $not: deep };
    expect(problem(deep)?.message).toMatch(/deeper than/);
    let deepValue: unknown = 1;
    for (let i = 0; i < FILTER_LIMITS.maxDepth + 1; i++) deepValue = [deepValue];
    expect(problem({ 'data.x': deepValue })?.message).toMatch(/deeper than/);
    const many = Object.fromEntries(Array.from({ length: FILTER_LIMITS.maxConditions + 1 }, (_, i) => [`data.f${i}`, 1]));
    expect(problem(many)?.message).toMatch(/more than 256 conditions/);
    expect(problem({ type: { $in: Array.from({ length: FILTER_LIMITS.maxListLength + 1 }, (_, i) => i) } })?.path).toBe('type.$in');
    expect(problem({ [`data.${'x'.repeat(FILTER_LIMITS.maxPathLength)}`]: 1 })?.message).toMatch(/path is longer/);
    expect(problem({ [`data${'.x'.repeat(FILTER_LIMITS.maxPathSegments)}`]: 1 })?.message).toMatch(/segments/);
    expect(problem({ 'data.x': { $regex: 'a'.repeat(257) } })?.path).toBe('data.x.$regex');
  });

  it('a $regex that would backtrack catastrophically runs in linear time', () => {
    const compiled = compileFilter({ 'data.s': { $regex: '^(a+)+$' } });
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    const started = performance.now();
    expect(compiled.match({ type: 't', data: { s: 'a'.repeat(20_000) + '!' } })).toBe(false);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
