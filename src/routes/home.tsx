import { Hono, type Context } from 'hono';
import { requireAuth } from '../auth/middleware.js';
import { canBook, canReadReports } from '../auth/roles.js';
import type { Database } from '../db/client.js';
import { listOutstandingBalances, listPaymentsReceived, listTakings } from '../db/finance.js';
import { localDate } from '../domain/dates.js';
import { dayBounds } from '../domain/slots.js';
import type { AuthedEnv, Clock } from '../env.js';
import { HomePage } from '../views/home-page.js';
import { translator } from '../i18n/index.js';

/** Finance lands on the money: today's takings and the balances still owed, oldest first. */
const OUTSTANDING_SHOWN = 20;
/** A busy day's receipts fit; past that the page says only the latest are listed. */
const PAYMENTS_SHOWN = 100;

async function financeSummary(c: Context<AuthedEnv>, db: Database, clock: Clock) {
  const { tenant } = c.var.auth;
  const today = localDate(tenant.timezone, clock());
  const day = dayBounds(today, tenant.timezone);
  const range = { from: day.start, to: day.end };
  const takings = await listTakings(db, tenant.id, range);
  // one more than shown, to know whether some were left out
  const payments = await listPaymentsReceived(db, tenant.id, range, PAYMENTS_SHOWN + 1);
  const outstanding = await listOutstandingBalances(db, tenant.id, OUTSTANDING_SHOWN);
  return {
    today,
    takings,
    payments: payments.slice(0, PAYMENTS_SHOWN),
    paymentsCut: payments.length > PAYMENTS_SHOWN,
    outstanding,
  };
}

export function homeRoutes({ db, clock }: { db: Database; clock: Clock }) {
  const routes = new Hono<AuthedEnv>();
  routes.get('/', requireAuth(), async (c) => {
    const locale = c.get('locale');
    const t = translator(locale);
    const { auth } = c.var;
    // A provider's home is their own day (routes/my-day.tsx).
    if (auth.user.role === 'PROVIDER') return c.redirect('/my-day', 303);
    const finance = auth.user.role === 'FINANCE' ? await financeSummary(c, db, clock) : undefined;
    return c.render(
      <HomePage
        locale={locale}
        auth={auth}
        canBook={canBook(auth.user.role)}
        canReadReports={canReadReports(auth.user.role)}
        finance={finance}
      />,
      { title: t('home') },
    );
  });
  return routes;
}
