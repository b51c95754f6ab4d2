import { evm } from 'mppx/client'
import type * as Payment from '../../Payment.js'
import * as TypedData from '../../TypedData.js'
import type * as Method from '../Method.js'

/** An EIP-3009 authorization needs the wallet's key and the token's EIP-712 domain in the registry. */
export function canSign(payment: Payment.Payment, setup: Method.Setup): boolean {
  return setup.wallet && payment.currency.kind === 'token' && payment.currency.eip712 !== undefined
}

/** mppx's evm charge, held to the approved chain, token and amount. */
export function client(parameters: Method.sign.Parameters): Method.Client {
  const { payment, account } = parameters
  const { currency, chainId } = payment
  if (!account) throw new Error('There is no wallet to sign with.')
  if (currency.kind !== 'token' || chainId === undefined) throw new Error(`Allowance cannot sign ${payment.method} payments in ${currency.symbol}.`)
  if (!currency.eip712) throw new Error(`The registry has no EIP-712 domain for ${currency.symbol} on chain ${chainId}; it cannot be paid by authorization.`)
  return evm.charge({
    account: TypedData.signer(account),
    authorization: currency.eip712,
    networks: [chainId],
    currencies: [currency.address as `0x${string}`],
    maxAtomicAmount: payment.amount.toString(),
  })
}
