import { tempo } from 'mppx/client'
import { createClient, http } from 'viem'
import { tempoLocalnet } from 'viem/chains'
import * as Chains from '../../Chains.js'
import type * as Payment from '../../Payment.js'
import type * as Method from '../Method.js'

/** A Tempo transfer needs the wallet's key and a node for the chain (the wallet prepares the transaction). */
export function canSign(payment: Payment.Payment, setup: Method.Setup): boolean {
  return setup.wallet && payment.chainId !== undefined && Chains.rpcUrlFor(payment.chainId, setup.rpc) !== undefined
}

/** Tempo submission: `pull` (the server broadcasts; default) or `push` (the wallet broadcasts while signing). */
export function mode(parameters: Pick<Method.sign.Parameters, 'tempoMode'>): 'push' | 'pull' {
  return parameters.tempoMode ?? 'pull'
}

/** mppx's tempo charge, held to the approved chain and recipients. */
export function client(parameters: Method.sign.Parameters): Method.Client {
  const { payment, account } = parameters
  const { currency, chainId } = payment
  if (!account) throw new Error('There is no wallet to sign with.')
  if (currency.kind !== 'token' || chainId === undefined) throw new Error(`Allowance cannot sign ${payment.method} payments in ${currency.symbol}.`)
  const recipients = [payment.recipient, ...payment.splits.map((split) => split.recipient)].filter((address): address is string => !!address)
  const rpcUrl = parameters.rpcUrl ?? Chains.rpcUrlFor(chainId, {})
  if (!rpcUrl) throw new Error(`No RPC URL is configured for ${Chains.withId(chainId)}; add one under "rpc" in settings.json.`)
  const base = Chains.withRpc[chainId] ?? tempoLocalnet
  const chain = { ...base, id: chainId, rpcUrls: { default: { http: [rpcUrl] } } }
  // A subscription: the wallet signs a key authorization for the server's access key, limited to
  // the approved amount per period, token, recipient and end; mppx checks it against the challenge.
  if (payment.subscription) {
    const approved = payment.subscription
    return tempo.subscription({
      account,
      getClient: () => createClient({ chain, transport: http(rpcUrl) }),
      validateRequest(request) {
        const same = (a: string | undefined, b: string | undefined) => a !== undefined && a.toLowerCase() === b?.toLowerCase()
        const held =
          same(request.recipient, payment.recipient) &&
          same(request.currency, currency.address) &&
          same(request.methodDetails?.accessKey?.accessKeyAddress, approved.accessKey) &&
          BigInt(request.amount) === payment.amount &&
          Number(request.periodCount) === approved.periodCount &&
          request.periodUnit === approved.periodUnit &&
          new Date(request.subscriptionExpires).getTime() === approved.expires.getTime()
        if (!held) throw new Error('The subscription differs from the approved terms.')
      },
    })
  }
  return tempo.charge({
    account,
    getClient: () => createClient({ chain, transport: http(rpcUrl) }),
    mode: mode(parameters),
    expectedChainId: chainId,
    expectedRecipients: recipients as `0x${string}`[],
  })
}
