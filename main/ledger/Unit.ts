/**
 * Budget units: `usd` (micro-USD, shared by USD-pegged tokens and USD card charges), or a
 * currency key (`iso:eur`, `<chainId>:<lowercase token address>`) counted in its atomic units.
 */
export function check(unit: string): string {
  if (!/^(usd|iso:[a-z]{3}|[1-9][0-9]{0,15}:0x[0-9a-f]{40})$/.test(unit)) {
    throw new Error(`${JSON.stringify(unit)} is not a budget unit ("usd", "iso:<code>" or "<chainId>:<token address>").`)
  }
  return unit
}

export function checkAmount(amount: bigint, what: string): bigint {
  if (typeof amount !== 'bigint' || amount < 0n || amount >= 2n ** 256n) throw new Error(`${what} must be a non-negative BigInt.`)
  return amount
}
