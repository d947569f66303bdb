import type { AppointmentStatus, PurchaseStatus } from '../db/schema.js';
import { useT } from './request-context.js';

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

export function AppointmentStatusBadge(props: { status: AppointmentStatus }) {
  const t = useT();
  return (
    <span class={`badge status ${appointmentTone[props.status]}`} data-status={props.status}>
      {t(`status_${props.status}`)}
    </span>
  );
}

export function PurchaseStatusBadge(props: { status: PurchaseStatus }) {
  const t = useT();
  const tone = props.status === 'ACTIVE' ? 'badge-ok' : 'badge-muted';
  return (
    <span class={`badge status ${tone}`} data-status={props.status}>
      {t(`purchaseStatus_${props.status}`)}
    </span>
  );
}
