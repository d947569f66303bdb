import { describe, expect, it } from 'vitest';
import {
  checkBookable,
  ExpiryRefused,
  extendedExpiry,
  isExpired,
  isExtendable,
  isUsable,
  MAX_EXTENSION_DAYS,
  orderForModal,
  sessionsRemaining,
  suggestedPurchaseId,
  type PurchaseFacts,
} from '../../src/domain/purchases.js';
import { Conflict, NotFound } from '../../src/domain/errors.js';

const TODAY = '2026-11-25';

function purchase(id: string, values: Partial<PurchaseFacts> = {}): PurchaseFacts {
  return {
    id,
    total_sessions: 10,
    sessions_used: 0,
    expiry_date: '2027-01-01',
    status: 'ACTIVE',
    ...values,
  };
}

describe('purchase rules', () => {
  it('counts the sessions left', () => {
    expect(sessionsRemaining(purchase('a', { sessions_used: 3 }))).toBe(7);
  });

  it('expires after the expiry date, not on it', () => {
    expect(isExpired(purchase('a', { expiry_date: TODAY }), TODAY)).toBe(false);
    expect(isExpired(purchase('a', { expiry_date: '2026-11-24' }), TODAY)).toBe(true);
    expect(isExpired(purchase('a', { status: 'EXPIRED' }), TODAY)).toBe(true);
  });

  it('is usable only when active, in date and not exhausted', () => {
    expect(isUsable(purchase('a'), TODAY)).toBe(true);
    expect(isUsable(purchase('a', { sessions_used: 10 }), TODAY)).toBe(false);
    expect(isUsable(purchase('a', { status: 'CANCELLED' }), TODAY)).toBe(false);
    expect(isUsable(purchase('a', { expiry_date: '2026-01-01' }), TODAY)).toBe(false);
  });
});

describe('the modal order', () => {
  const expired = purchase('expired', { expiry_date: '2026-10-01' });
  const late = purchase('late', { expiry_date: '2027-06-01' });
  const soon = purchase('soon', { expiry_date: '2026-12-01' });
  const exhaustedSoon = purchase('exhausted', { expiry_date: '2026-11-30', sessions_used: 10 });

  it('puts usable purchases first, earliest expiry first, then the rest by expiry', () => {
    expect(orderForModal([late, expired, exhaustedSoon, soon], TODAY).map((p) => p.id)).toEqual([
      'soon',
      'late',
      'expired',
      'exhausted',
    ]);
  });

  it('suggests the usable one expiring first, or none', () => {
    expect(suggestedPurchaseId([late, expired, soon], TODAY)).toBe('soon');
    expect(suggestedPurchaseId([expired, exhaustedSoon], TODAY)).toBeNull();
    expect(suggestedPurchaseId([], TODAY)).toBeNull();
  });

  it('does not reorder the caller’s array', () => {
    const input = [late, soon];
    orderForModal(input, TODAY);
    expect(input.map((p) => p.id)).toEqual(['late', 'soon']);
  });
});

describe('a purchase a booking may use', () => {
  const mine = { ...purchase('p'), patient_id: 'patient-1' };

  it('is this patient’s, else it does not exist (404)', () => {
    expect(checkBookable(mine, 'patient-1')).toBe(mine);
    expect(() => checkBookable(mine, 'patient-2')).toThrow(NotFound);
    expect(() => checkBookable(undefined, 'patient-1')).toThrow(NotFound);
  });

  it('is refused with the reason when expired (if asked), exhausted or no longer active', () => {
    const expired = { ...mine, expiry_date: '2026-11-01' };
    expect(() => checkBookable(expired, 'patient-1', TODAY)).toThrow('expired on 2026-11-01');
    expect(checkBookable(expired, 'patient-1')).toBe(expired); // a booking checks its slot date
    expect(() => checkBookable({ ...mine, sessions_used: 10 }, 'patient-1')).toThrow(
      'No sessions are left',
    );
    expect(() => checkBookable({ ...mine, status: 'TRANSFERRED' }, 'patient-1')).toThrow(Conflict);
  });
});

describe('extendedExpiry', () => {
  it('moves the expiry by days, or to a later date', () => {
    expect(extendedExpiry('2026-12-01', { days: 30 })).toBe('2026-12-31');
    expect(extendedExpiry('2026-02-28', { days: 1 })).toBe('2026-03-01');
    expect(extendedExpiry('2026-12-01', { date: '2026-12-02' })).toBe('2026-12-02');
  });

  it('refuses a date that is not later, or more than ten years later', () => {
    for (const date of ['2026-12-01', '2026-11-30']) {
      expect(() => extendedExpiry('2026-12-01', { date })).toThrow(
        expect.objectContaining({ status: 422, problem: 'notLater', currentExpiry: '2026-12-01' }),
      );
    }
    expect(extendedExpiry('2026-12-01', { days: MAX_EXTENSION_DAYS })).toBe('2036-11-28');
    expect(() => extendedExpiry('2026-12-01', { date: '2036-11-29' })).toThrow(ExpiryRefused);
  });

  it('extends active and expired purchases only', () => {
    expect(
      ['ACTIVE', 'EXPIRED', 'COMPLETED', 'CANCELLED', 'TRANSFERRED'].filter((status) =>
        isExtendable({ status }),
      ),
    ).toEqual(['ACTIVE', 'EXPIRED']);
  });
});
