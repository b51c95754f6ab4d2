import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Stripe from 'stripe'
import * as StripeApi from '../payments/StripeApi.js'
import * as SecretStore from './SecretStore.js'

/**
 * The user's card: a Stripe secret or restricted key, kept in a secret store of its own, and the
 * payment method (`pm_…`) it pays with. `card.json` beside `wallet.json` records only what is
 * safe to show: the payment method, the mode the key implies, the card's brand and last digits.
 */
export type Info = {
  paymentMethod: string
  mode: StripeApi.Mode
  brand?: string | undefined
  last4?: string | undefined
  store: SecretStore.Kind
}

export class NoCardError extends Error {
  constructor() {
    super('There is no card yet: add one with `allowance card add < stripe-key.txt`.')
  }
}

export function info(home: string): Info | undefined {
  try {
    const parsed = JSON.parse(readFileSync(infoPath(home), 'utf8')) as Info
    if (paymentMethodPattern.test(parsed.paymentMethod) && (parsed.mode === 'test' || parsed.mode === 'live') && (parsed.store === 'keychain' || parsed.store === 'file')) return parsed
  } catch {}
  return undefined
}

/** The cards the key's account can pay with, for the user to choose from. */
export async function paymentMethods(client: Stripe): Promise<Method[]> {
  try {
    const list = await client.paymentMethods.list({ type: 'card', limit: 20 })
    return list.data.map(describe)
  } catch (error) {
    throw StripeApi.explain(error)
  }
}

export type Method = { id: string; brand?: string | undefined; last4?: string | undefined }

/**
 * Stores the key and the chosen payment method, after Stripe confirmed both (the key opens the
 * account, the payment method is a card in it). Refuses to replace an existing card.
 */
export async function add(home: string, parameters: add.Parameters): Promise<Info> {
  const { key, paymentMethod, client, options } = parameters
  const existing = info(home)
  if (existing) throw new Error(`A card is already set up (${label(existing)}); remove it first with \`allowance card remove\`.`)
  const mode = StripeApi.mode(key)
  if (!paymentMethodPattern.test(paymentMethod)) throw new Error(`"${paymentMethod}" is not a Stripe payment method id (pm_…).`)
  let method: Stripe.PaymentMethod
  try {
    method = await client.paymentMethods.retrieve(paymentMethod)
  } catch (error) {
    throw StripeApi.explain(error)
  }
  if (method.type !== 'card') throw new Error(`${paymentMethod} is a ${method.type} payment method, not a card.`)
  mkdirSync(home, { recursive: true, mode: 0o700 })
  const store = await SecretStore.save(home, 'card', key, options)
  const { brand, last4 } = describe(method)
  const created: Info = { paymentMethod, mode, ...(brand && { brand }), ...(last4 && { last4 }), store }
  writeFileSync(infoPath(home), `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 })
  return created
}

export declare namespace add {
  type Parameters = {
    key: string
    paymentMethod: string
    /** The SDK for `key`. */
    client: Stripe
    options: SecretStore.Options
  }
}

/** The Stripe key, read from its store. */
export async function secretKey(home: string, options: SecretStore.Options = {}): Promise<{ card: Info; key: string }> {
  const card = info(home)
  if (!card) throw new NoCardError()
  const key = await SecretStore.open(home, 'card', card.store, options).read()
  if (!key) throw new Error(`The card ${label(card)} is recorded but its Stripe key is missing from the ${card.store === 'keychain' ? 'OS keychain' : 'keystore file'}.`)
  return { card, key }
}

/** Deletes the key from its store and forgets the card. */
export async function remove(home: string, options: SecretStore.Options = {}): Promise<Info | undefined> {
  const current = info(home)
  if (!current) return undefined
  await SecretStore.open(home, 'card', current.store, options).erase()
  rmSync(infoPath(home), { force: true })
  return current
}

/** "visa •••• 4242 (pm_…, test mode)" */
export function label(card: Pick<Info, 'paymentMethod' | 'mode' | 'brand' | 'last4'>): string {
  const digits = card.last4 ? `${card.brand ?? 'card'} •••• ${card.last4} ` : ''
  return `${digits}(${card.paymentMethod}, ${card.mode} mode)`
}

const paymentMethodPattern = /^pm_[0-9A-Za-z_]{1,255}$/

function describe(method: Stripe.PaymentMethod): Method {
  return { id: method.id, brand: method.card?.brand, last4: method.card?.last4 }
}

export function infoPath(home: string): string {
  return join(home, 'card.json')
}
