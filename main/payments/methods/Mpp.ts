import { Challenge as MppxChallenge, Credential as MppxCredential } from 'mppx'
import type * as Method from './Method.js'

/**
 * What the MPP methods (evm, tempo, stripe) share to sign: `mppx`'s client methods used
 * standalone. mppx reads the challenge through its own schema and serializes a credential; the
 * payload (and payer) are taken out of it, and the credential echoes the challenge exactly as the
 * server sent it. The companion's own checks are repeated inside mppx as a second line of
 * defence (chain, currency, recipients, maximum amount).
 */
export function sign(client: (parameters: Method.sign.Parameters) => Method.Client): Method.Method['sign'] {
  return async (parameters) => {
    const parsed = MppxChallenge.Schema.parse(parameters.challenge)
    const header = await client(parameters).createCredential({ challenge: parsed as never, context: {} as never })
    const { payload, source } = MppxCredential.deserialize(header)
    return { payload, ...(source ? { source } : {}) }
  }
}
