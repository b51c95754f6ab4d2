import { Challenge as MppxChallenge, Credential as MppxCredential } from 'mppx'
import { evm, stripe, tempo } from 'mppx/client'
import type Stripe from 'stripe'
import { createClient, http, type Chain, type LocalAccount } from 'viem'
import { tempo as tempoMainnet, tempoLocalnet, tempoModerato } from 'viem/chains'
import * as Chains from './Chains.js'
import type * as Challenge from './Challenge.js'
import * as SharedPaymentToken from './SharedPaymentToken.js'
import * as TypedData from './TypedData.js'

/**
 * Turns an approved challenge into a credential with `mppx`'s client methods, used standalone.
 * The companion calls it right after approval and right before the bridge retries: tempo
 * transactions are only valid for seconds. The companion's own checks are repeated inside mppx
 * as a second line of defence (chain, currency, recipients, maximum amount).
 */
export type Credential = { challenge: unknown; payload: unknown; source?: string | undefined }

export async function sign(parameters: sign.Parameters): Promise<sign.ReturnType> {
  const { challenge, payment } = parameters
  // mppx reads the challenge through its own schema; the credential echoes it exactly as received.
  const parsed = MppxChallenge.Schema.parse(challenge)
  const method = clientMethod(parameters)
  const header = await method.createCredential({ challenge: parsed as never, context: {} as never })
  const { payload, source } = MppxCredential.deserialize(header)
  return {
    credential: { challenge, payload, ...(source ? { source } : {}) },
    broadcast: payment.method === 'tempo' && tempoMode(parameters) === 'push',
  }
}

export declare namespace sign {
  type Parameters = {
    /** The challenge exactly as the server sent it. */
    challenge: unknown
    /** The same challenge as the companion validated it. */
    payment: Challenge.Payment
    /** The wallet's key, for `evm` and `tempo`. */
    account?: LocalAccount | undefined
    /** The card, for `stripe`. */
    card?: Card | undefined
    /** JSON-RPC endpoint for the payment's chain (tempo needs one). */
    rpcUrl?: string | undefined
    /** Tempo submission: `pull` (the server broadcasts; default) or `push` (we broadcast). */
    tempoMode?: 'push' | 'pull' | undefined
  }
  type ReturnType = {
    credential: Credential
    /** True when signing already sent the transaction (tempo push): money moved before the retry. */
    broadcast: boolean
  }
}

/** The card as signing needs it: the SDK for the user's Stripe key, its mode and the payment method. */
export type Card = { client: Stripe } & Pick<SharedPaymentToken.issue.Parameters, 'mode' | 'paymentMethod'>

/**
 * The methods Allowance can sign for with what is set up: evm needs the wallet's key, tempo also
 * a node for the chain; stripe needs the card, and an ISO currency.
 */
export function canSign(payment: Challenge.Payment, setup: { wallet: boolean; card: boolean; rpc: Readonly<Record<string, string>> }): boolean {
  if (payment.method === 'evm') return setup.wallet && payment.currency.kind === 'token' && payment.currency.eip712 !== undefined
  if (payment.method === 'tempo') return setup.wallet && payment.chainId !== undefined && rpcUrlFor(payment.chainId, setup.rpc) !== undefined
  if (payment.method === 'stripe') return setup.card && payment.currency.kind === 'iso'
  return false
}

export function rpcUrlFor(chainId: number, rpc: Readonly<Record<string, string>>): string | undefined {
  return rpc[String(chainId)] ?? knownChains[chainId]?.rpcUrls.default.http[0]
}

const knownChains: Record<number, Chain> = { [tempoMainnet.id]: tempoMainnet, [tempoModerato.id]: tempoModerato, [tempoLocalnet.id]: tempoLocalnet }

function tempoMode(parameters: sign.Parameters): 'push' | 'pull' {
  return parameters.tempoMode ?? 'pull'
}

function clientMethod(parameters: sign.Parameters) {
  const { payment, account, card } = parameters
  const { currency, chainId } = payment
  if (payment.method === 'stripe') {
    if (!card) throw new Error('There is no card to pay Stripe charges with.')
    return stripe.charge({
      paymentMethod: card.paymentMethod,
      // mppx hands over the challenge's amount, currency and expiry; the amount must be the one approved.
      async createToken({ amount, currency, expiresAt, networkId, metadata, challenge }) {
        if (BigInt(amount) !== payment.amount) throw new Error('The Stripe charge differs from the approved amount.')
        const { mode, paymentMethod } = card
        return SharedPaymentToken.issue(card.client, { mode, paymentMethod, amount, currency, expiresAt, networkId: networkId!, metadata, challengeId: challenge.id })
      },
    })
  }
  if (!account) throw new Error('There is no wallet to sign with.')
  if (currency.kind !== 'token' || chainId === undefined) throw new Error(`Allowance cannot sign ${payment.method} payments in ${currency.symbol}.`)
  const recipients = [payment.recipient, ...payment.splits.map((split) => split.recipient)].filter((address): address is string => !!address)
  if (payment.method === 'evm') {
    if (!currency.eip712) throw new Error(`The registry has no EIP-712 domain for ${currency.symbol} on chain ${chainId}; it cannot be paid by authorization.`)
    return evm.charge({
      account: TypedData.signer(account),
      authorization: currency.eip712,
      networks: [chainId],
      currencies: [currency.address as `0x${string}`],
      maxAtomicAmount: payment.amount.toString(),
    })
  }
  if (payment.method === 'tempo') {
    const rpcUrl = parameters.rpcUrl ?? rpcUrlFor(chainId, {})
    if (!rpcUrl) throw new Error(`No RPC URL is configured for ${Chains.withId(chainId)}; add one under "rpc" in settings.json.`)
    const base = knownChains[chainId] ?? tempoLocalnet
    const chain = { ...base, id: chainId, rpcUrls: { default: { http: [rpcUrl] } } }
    return tempo.charge({
      account,
      getClient: () => createClient({ chain, transport: http(rpcUrl) }),
      mode: tempoMode(parameters),
      expectedChainId: chainId,
      expectedRecipients: recipients as `0x${string}`[],
    })
  }
  throw new Error(`Allowance cannot sign ${payment.method} payments.`)
}
