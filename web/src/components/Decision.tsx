// Approve / Reject… on one item waiting for a decision (a redemption, a claim, a referral): Reject
// asks for a reason first. One control for every inbox, so they all behave the same.
import { type FormEvent, useState } from 'react';

export function DecisionControls({
  id,
  label,
  pending,
  maxLength = 500,
  canApprove = true,
  onApprove,
  onReject,
}: {
  /** The item's id (the reason field's id). */
  id: string;
  /** What the buttons name for screen readers ("claim INV-1"). */
  label: string;
  pending: boolean;
  maxLength?: number;
  /** false: only rejecting is offered (a referral not in review). */
  canApprove?: boolean;
  onApprove: () => void;
  onReject: (reason: string) => void;
}) {
  const [rejecting, setRejecting] = useState(false);
  const reject = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onReject(String(new FormData(event.currentTarget).get('reason') ?? '').trim());
  };
  return rejecting ? (
    <form onSubmit={reject} className="inline">
      <label htmlFor={`reason-${id}`}>Reason</label>
      <input id={`reason-${id}`} name="reason" required maxLength={maxLength} />
      <button type="submit" disabled={pending}>
        Reject
      </button>
      <button type="button" onClick={() => setRejecting(false)}>
        Cancel
      </button>
    </form>
  ) : (
    <span className="actions">
      {canApprove && (
        <button type="button" aria-label={`Approve ${label}`} disabled={pending} onClick={onApprove}>
          Approve
        </button>
      )}
      <button type="button" aria-label={`Reject ${label}`} onClick={() => setRejecting(true)}>
        Reject…
      </button>
    </span>
  );
}
