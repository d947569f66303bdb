export const ANNOUNCER_ID = 'announcer';

/**
 * One per page, present from the start (a live region added later is not announced): the
 * result of the last action, shown as a toast and read out by screen readers.
 */
export function Announcer({ message, oob }: { message?: string; oob?: boolean }) {
  return (
    <div
      id={ANNOUNCER_ID}
      class="toast"
      role="status"
      aria-live="polite"
      hx-swap-oob={oob ? 'true' : undefined}
    >
      {message}
    </div>
  );
}

/** Goes out of band beside a fragment to say what just happened. */
export function Announcement({ message }: { message: string }) {
  return <Announcer message={message} oob />;
}
