/**
 * Links into the History screen from elsewhere on the page (the notice after Pay or Decline):
 * `#history`, or `#payment=12` for one payment's row and details. The main window follows them
 * (App.tsx) and clears the hash, so the same link works again.
 */
export function historyLink(paymentId?: number): string {
  return paymentId === undefined ? '#history' : `#payment=${paymentId}`
}

/** What a hash links to: History (with the payment to open, if any), or undefined when it is not a History link. */
export function parseHistoryLink(hash: string): { paymentId?: number } | undefined {
  if (hash === '#history') return {}
  const match = /^#payment=([1-9][0-9]{0,15})$/.exec(hash)
  return match ? { paymentId: Number(match[1]) } : undefined
}
