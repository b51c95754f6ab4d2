import * as secp256k1 from 'tiny-secp256k1'
import { hexToBytes, type Hex, type PrivateKeyAccount } from 'viem'

/**
 * `account`, its raw-hash signatures (`sign`: what every payment signature goes through, see
 * payments/TypedData.ts) made by libsecp256k1 compiled to WebAssembly instead of viem's curve in
 * JavaScript. They are the same signatures byte for byte (RFC 6979 nonces, low s, v = 27 + the
 * recovery id), in about a third of the time; a signature is most of the companion's share of a
 * paid call. The library zeroes its copy of the key after each signature.
 */
export function withFastSignatures(account: PrivateKeyAccount, key: Hex): PrivateKeyAccount {
  const secret = hexToBytes(key)
  return { ...account, sign: async ({ hash }) => sign(hash, secret) }
}

function sign(hash: Hex, key: Uint8Array): Hex {
  const { signature, recoveryId } = secp256k1.signRecoverable(hexToBytes(hash), key)
  return `0x${Buffer.from(signature).toString('hex')}${(27 + recoveryId).toString(16)}`
}
