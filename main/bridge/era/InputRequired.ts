import { errorResponse, type JSONRPCRequest, type JSONRPCResponse } from '../JsonRpc.js'
import { isInputRequired } from './Era.js'

/**
 * Multi round-trip requests, bridged to a legacy host. A modern server that needs input answers
 * `input_required` with the requests it would once have sent itself (elicitation, sampling,
 * roots); the bridge sends each to the host as its own request, then retries the original call
 * under a new id with the host's answers and the server's `requestState` echoed byte for byte.
 * Each retry carries only that round's answers, as the revision asks.
 */
export const maxRounds = 10

/** The host capability each kind of input request needs. */
const capabilityFor: Record<string, string> = {
  'elicitation/create': 'elicitation',
  'sampling/createMessage': 'sampling',
  'roots/list': 'roots',
}

/** The requests that may be answered `input_required`. */
export const interactiveMethods: readonly string[] = ['tools/call', 'resources/read', 'prompts/get']

export type Context = {
  /** What the host declared in its `initialize`. */
  hostCapabilities(): Record<string, unknown>
  /** Sends a request to the host and resolves with its answer. */
  askHost(method: string, params: Record<string, unknown> | undefined): Promise<JSONRPCResponse>
  /** Sends a request upstream and resolves with its answer. */
  exchange(request: JSONRPCRequest): Promise<JSONRPCResponse>
  nextId(): string
  /** Whether the host gave up on the call. */
  cancelled(): boolean
  /** The id of the round in flight, so that a cancellation can follow it upstream. */
  onRound(id: string): void
}

/**
 * Plays the rounds until the server answers with anything but `input_required`. Resolves with
 * the last request sent and its answer, both under the host's id: a server that asks for payment
 * after its input gets the credential on that request, with the answers that led to it.
 */
export async function complete(request: JSONRPCRequest, first: JSONRPCResponse, context: Context): Promise<{ request: JSONRPCRequest; response: JSONRPCResponse }> {
  let sent = request
  let response = first
  for (let round = 1; isInputRequired(response); round++) {
    if (round > maxRounds) {
      return { request, response: errorResponse(request.id, -32603, `The server kept asking for input: the bridge stopped after ${maxRounds} rounds.`) }
    }
    const result = (response as { result: Record<string, unknown> }).result
    const answers = await gather(result.inputRequests, context)
    if ('refusal' in answers) {
      const { code, message, data } = answers.refusal
      return { request, response: errorResponse(request.id, code, message, data) }
    }
    if (context.cancelled()) break
    const params: Record<string, unknown> = { ...((request.params ?? {}) as Record<string, unknown>) }
    if (answers.responses) params.inputResponses = answers.responses
    if (typeof result.requestState === 'string') params.requestState = result.requestState
    sent = { ...request, id: context.nextId(), params }
    context.onRound(sent.id as string)
    response = await context.exchange(sent)
  }
  return { request: { ...sent, id: request.id }, response: { ...response, id: request.id } }
}

/** Asks the host every input request of a round, all at once; one refusal ends the call. */
type Refusal = { code: number; message: string; data?: unknown }

async function gather(inputRequests: unknown, context: Context): Promise<{ responses?: Record<string, unknown> } | { refusal: Refusal }> {
  if (inputRequests === undefined) return {}
  if (typeof inputRequests !== 'object' || inputRequests === null || Array.isArray(inputRequests)) {
    return { refusal: { code: -32603, message: 'The server asked for input in a form the bridge cannot read (inputRequests is not an object).' } }
  }
  const entries = Object.entries(inputRequests as Record<string, { method?: unknown; params?: unknown }>)
  const capabilities = context.hostCapabilities()
  for (const [key, input] of entries) {
    const method = typeof input?.method === 'string' ? input.method : ''
    const capability = capabilityFor[method]
    if (!capability) return { refusal: { code: -32603, message: `The server asked for input the bridge does not know (${JSON.stringify(method || key)}).` } }
    if (capabilities[capability] === undefined) {
      // What a modern server answers a client that lacks a capability its request needs.
      return {
        refusal: { code: -32021, message: `The server needs ${capability} from the host, which did not declare it.`, data: { requiredCapabilities: { [capability]: {} } } },
      }
    }
  }
  const answered = await Promise.all(
    entries.map(async ([key, input]) => [key, input.method as string, await context.askHost(input.method as string, hostParams(input))] as const),
  )
  const responses: Record<string, unknown> = {}
  for (const [key, method, answer] of answered) {
    if ('error' in answer) {
      return { refusal: { code: answer.error.code, message: `The server asked the host for input (${method}) and the host refused: ${answer.error.message}` } }
    }
    responses[key] = answer.result
  }
  return { responses }
}

/** The parameters of an input request as a legacy host reads them: URL elicitation there needs an id. */
function hostParams(input: { method?: unknown; params?: unknown }): Record<string, unknown> | undefined {
  const params = typeof input.params === 'object' && input.params !== null ? (input.params as Record<string, unknown>) : undefined
  if (input.method === 'elicitation/create' && params?.mode === 'url' && typeof params.elicitationId !== 'string') {
    return { ...params, elicitationId: crypto.randomUUID() }
  }
  return params
}
