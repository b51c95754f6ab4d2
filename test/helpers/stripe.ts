// The paying rig with a card: the Stripe stand-in (in this process), a paid server offering `stripe`
// (and whatever else) that confirms PaymentIntents against it, and a companion whose settings.json points
// its Stripe SDK at it too.
import { execFile } from 'node:child_process'
import { autoApprove, startRig, type Rig } from '../e2e/rig.js'
import * as StandIn from '../fixtures/stripe/standIn.js'
import { bridgeBin } from './bridge.js'
import type { Run } from './cli.js'

export type StripeRig = Rig & { stripe: StandIn.StandIn }

/**
 * Starts the stand-in and the rig; the companion pays up to $0.30 a call on this server by rule.
 * Without `card`, no card is set up; with it, `allowance card add` sets that card up with `key`.
 */
export async function startStripeRig(options: startStripeRig.Options): Promise<StripeRig> {
  const stripe = await StandIn.start()
  try {
    const rig = await startRig({
      server: { methods: options.methods, stripe: { apiBase: stripe.url, secretKey: StandIn.keys.seller } },
      config: { stripe: { apiBase: stripe.url }, ...options.config },
    })
    autoApprove(rig, 300_000n)
    if (options.card) {
      const added = await card(rig.home, ['add', '--payment-method', options.card], options.key ?? StandIn.keys.payer)
      if (added.code !== 0) throw new Error(`allowance card add failed: ${added.stderr}`)
    }
    return { ...rig, stripe, stop: () => rig.stop().finally(() => stripe.close()) }
  } catch (error) {
    await stripe.close()
    throw error
  }
}

export declare namespace startStripeRig {
  type Options = {
    methods: ('evm' | 'stripe')[]
    card?: string | undefined
    key?: string | undefined
    /** Merged into the rig's settings.json. */
    config?: Record<string, unknown> | undefined
  }
}

/** `allowance card …` with `input` on stdin; asynchronous, since the stand-in it talks to runs in this process. */
export function card(home: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bridgeBin, 'card', ...args], { env: { ...process.env, ALLOWANCE_HOME: home } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr })
    })
    child.stdin?.end(input ?? '')
  })
}
