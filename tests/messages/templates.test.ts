import { describe, expect, it } from 'vitest';
import type { MessageFacts } from '../../src/db/messages.js';
import { renderMessage } from '../../src/messages/templates.js';

const facts: MessageFacts = {
  centre: 'Demo Therapy Centre',
  timezone: 'Asia/Riyadh',
  quiet_hours_start: '21:00:00',
  quiet_hours_end: '08:00:00',
  status: 'BOOKED',
  starts_at: new Date('2026-11-30T06:00:00Z'),
  ends_at: new Date('2026-11-30T06:45:00Z'),
  session_number_in_package: 6,
  total_sessions: 10,
  email: 'rashid.family@example.test',
  phone: '+966501234567',
  preferred_language: 'ar',
  patient_name_en: 'Ahmed Al-Rashid',
  patient_name_ar: 'أحمد الراشد',
  clinic_name_en: 'SLP Clinic',
  clinic_name_ar: 'عيادة النطق',
  provider_name_en: 'Dr. Huda Al-Zahrani',
  provider_name_ar: 'د. هدى الزهراني',
  service_name_en: 'Speech Therapy Session',
  service_name_ar: 'جلسة علاج النطق',
};

describe('message templates', () => {
  it('writes Arabic right to left, the time range isolated left to right so it reads 09:00–09:45', async () => {
    const message = await renderMessage('reminder', facts);
    expect(message.locale).toBe('ar');
    expect(message.html).toContain('<html lang="ar" dir="rtl">');
    expect(message.text.startsWith('\u200fتذكير')).toBe(true);
    expect(message.text).toContain('\u206609:00–09:45\u2069');
    expect(message.text).toContain('الاثنين، 30 نوفمبر 2026');
    expect(message.text).toContain('\u2068أحمد الراشد\u2069');
    expect(message.text).toContain('هذه الجلسة 6 من 10.');
    expect(message.subject).toBe('تذكير بموعد – \u2068Demo Therapy Centre\u2069');
  });

  it('writes English left to right with the centre, clinic, provider and session', async () => {
    const message = await renderMessage('booked', { ...facts, preferred_language: 'en' });
    expect(message.html).toContain('<html lang="en" dir="ltr">');
    expect(message.text).toBe(
      'Hello Ahmed Al-Rashid, your Speech Therapy Session appointment at SLP Clinic with ' +
        'Dr. Huda Al-Zahrani is booked for Monday, 30 November 2026, 09:00–09:45. ' +
        'This is session 6 of 10.\n— Demo Therapy Centre',
    );
    expect(message.subject).toBe('Appointment booked – Demo Therapy Centre');
  });

  it('escapes names in the email and leaves out the session sentence without a package', async () => {
    const message = await renderMessage('cancelled', {
      ...facts,
      preferred_language: 'en',
      patient_name_en: '<b>Sam</b>',
      session_number_in_package: null,
      total_sessions: null,
    });
    expect(message.html).toContain('&lt;b&gt;Sam&lt;/b&gt;');
    expect(message.html).not.toContain('<b>Sam');
    expect(message.text).not.toContain('session');
  });
});
