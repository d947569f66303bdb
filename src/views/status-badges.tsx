import type { AppointmentStatus, PurchaseStatus } from '../db/schema.js';
import type { Translate } from './i18n.js';

/** Cancelled either way: still listed, but struck through. */
export function isCancelled(status: AppointmentStatus): boolean {
  return status === 'CANCELLED' || status === 'LATE_CANCELLED';
}

const appointmentTone: Record<AppointmentStatus, string> = {
  BOOKED: 'badge-info',
  CONFIRMED: 'badge-info',
  ARRIVED: 'badge-ok',
  COMPLETED: 'badge-ok',
  CANCELLED: 'badge-muted',
  LATE_CANCELLED: 'badge-muted',
  NO_SHOW: 'badge-warn',
};

export function AppointmentStatusBadge(props: { t: Translate; status: AppointmentStatus }) {
  return (
    <span class={`badge status ${appointmentTone[props.status]}`} data-status={props.status}>
      {props.t(`status_${props.status}`)}
    </span>
  );
}

export function PurchaseStatusBadge(props: { t: Translate; status: PurchaseStatus }) {
  const tone = props.status === 'ACTIVE' ? 'badge-ok' : 'badge-muted';
  return (
    <span class={`badge status ${tone}`} data-status={props.status}>
      {props.t(`purchaseStatus_${props.status}`)}
    </span>
  );
}
