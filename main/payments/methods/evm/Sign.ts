import { evm } from 'mppx/client'
import type { LocalAccount } from 'viem'
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
  const terms = JSON.stringify([chainId, currency.address, currency.eip712, payment.amount.toString()])
  let byTerms = clients.get(account)
  if (!byTerms) clients.set(account, (byTerms = new Map()))
  let client = byTerms.get(terms)
  if (!client) {
    if (byTerms.size >= maxClientsPerAccount) byTerms.clear()
    client = evm.charge({
      account: TypedData.signer(account),
      authorization: currency.eip712,
      networks: [chainId],
      currencies: [currency.address as `0x${string}`],
      maxAtomicAmount: payment.amount.toString(),
    })
    byTerms.set(terms, client)
  }
  return client
}

/**
 * The clients already built, by account and by the terms they hold a credential to. A client
 * keeps nothing between credentials, and building one (mppx's schemas with it) cost about as much
 * as hashing the authorization, for the price an agent pays the same tool again and again.
 */
const clients = new WeakMap<LocalAccount, Map<string, Method.Client>>()
const maxClientsPerAccount = 64
