import { describe, expect, it } from 'vitest'
import * as InputRequired from '../../../../main/bridge/era/InputRequired.js'
import type { JSONRPCRequest, JSONRPCResponse } from '../../../../main/bridge/JsonRpc.js'

const call: JSONRPCRequest = { jsonrpc: '2.0', id: 42, method: 'tools/call', params: { name: 'book', arguments: { city: 'Lyon' }, _meta: { progressToken: 'p' } } }
const elicit = { method: 'elicitation/create', params: { mode: 'form', message: 'Which date?', requestedSchema: { type: 'object', properties: {} } } }
const sample = { method: 'sampling/createMessage', params: { messages: [], maxTokens: 10 } }
const needs = (inputRequests: unknown, requestState?: string): JSONRPCResponse => ({
  jsonrpc: '2.0',
  id: 0,
  result: { resultType: 'input_required', inputRequests, ...(requestState === undefined ? {} : { requestState }) },
})
const done = (text: string): JSONRPCResponse => ({ jsonrpc: '2.0', id: 0, result: { resultType: 'complete', content: [{ type: 'text', text }] } })

/** A host and a server scripted round by round; records what each was sent. */
function scripted(server: JSONRPCResponse[], host: (method: string) => JSONRPCResponse, capabilities: Record<string, unknown> = { elicitation: {}, sampling: {} }) {
  const sent: JSONRPCRequest[] = []
  const asked: { method: string; params: unknown }[] = []
  let next = 0
  const context: InputRequired.Context = {
    hostCapabilities: () => capabilities,
    askHost: async (method, params) => {
      asked.push({ method, params })
      return host(method)
    },
    exchange: async (request) => {
      sent.push(request)
      return { ...server.shift()!, id: request.id }
    },
    nextId: () => `round-${++next}`,
    cancelled: () => false,
    onRound: () => {},
  }
  return { context, sent, asked }
}

const answers = (method: string): JSONRPCResponse =>
  method === 'elicitation/create' ? { jsonrpc: '2.0', id: 'h', result: { action: 'accept', content: { date: '2027-01-02' } } } : { jsonrpc: '2.0', id: 'h', result: { role: 'assistant', model: 'm', content: { type: 'text', text: 'ok' } } }

describe('InputRequired.complete', () => {
  it("asks the host each round's questions at once, retries under a new id with this round's answers and the state byte for byte", async () => {
    const state = ' opaque+/=state with "quotes" '
    const { context, sent, asked } = scripted([needs({ confirm: elicit }, 'second-state'), done('booked')], answers)
    const final = await InputRequired.complete(call, needs({ date: elicit, summary: sample }, state), context)
    expect(asked.map((entry) => entry.method)).toEqual(['elicitation/create', 'sampling/createMessage', 'elicitation/create'])
    expect(sent.map((request) => request.id)).toEqual(['round-1', 'round-2'])
    expect(sent[0]!.params).toEqual({
      ...call.params,
      inputResponses: { date: { action: 'accept', content: { date: '2027-01-02' } }, summary: { role: 'assistant', model: 'm', content: { type: 'text', text: 'ok' } } },
      requestState: state,
    })
    // Each round carries only its own answers.
    expect(Object.keys((sent[1]!.params as { inputResponses: object }).inputResponses)).toEqual(['confirm'])
    expect((sent[1]!.params as { requestState: string }).requestState).toBe('second-state')
    // The last request, under the host's id, is what a payment would be retried on.
    expect(final.request).toEqual({ ...sent[1], id: 42 })
    expect(final.response).toEqual({ ...done('booked'), id: 42 })
  })

  it('sends no requestState when the server gave none, and retries at once when it asked nothing', async () => {
    const { context, sent, asked } = scripted([done('ready')], answers)
    await InputRequired.complete(call, { jsonrpc: '2.0', id: 0, result: { resultType: 'input_required', requestState: 's' } }, context)
    expect(asked).toEqual([])
    expect(sent[0]!.params).toEqual({ ...call.params, requestState: 's' })
    const second = scripted([done('ready')], answers)
    await InputRequired.complete(call, needs({ date: elicit }), second.context)
    expect(second.sent[0]!.params).not.toHaveProperty('requestState')
  })

  it(`stops a server that never stops asking after ${InputRequired.maxRounds} rounds`, async () => {
    const { context, sent } = scripted(Array.from({ length: 50 }, () => needs({ again: elicit }, 's')), answers)
    const final = await InputRequired.complete(call, needs({ again: elicit }, 's'), context)
    expect(sent).toHaveLength(InputRequired.maxRounds)
    expect(final.response).toMatchObject({ id: 42, error: { message: expect.stringContaining(`stopped after ${InputRequired.maxRounds} rounds`) } })
  })

  it('asks a host nothing it did not declare, and ends the call when the host refuses', async () => {
    const lacking = scripted([], answers, { elicitation: {} })
    const refused = await InputRequired.complete(call, needs({ summary: sample }), lacking.context)
    expect(lacking.asked).toEqual([])
    expect(refused.response).toEqual({ jsonrpc: '2.0', id: 42, error: { code: -32021, message: 'The server needs sampling from the host, which did not declare it.', data: { requiredCapabilities: { sampling: {} } } } })

    const declining = scripted([], () => ({ jsonrpc: '2.0', id: 'h', error: { code: -32601, message: 'Method not found' } }))
    const declined = await InputRequired.complete(call, needs({ date: elicit }), declining.context)
    expect(declining.sent).toEqual([])
    expect(declined.response).toMatchObject({ id: 42, error: { code: -32601, message: 'The server asked the host for input (elicitation/create) and the host refused: Method not found' } })

    const garbled = await InputRequired.complete(call, needs([elicit]), scripted([], answers).context)
    expect(garbled.response).toMatchObject({ id: 42, error: { message: expect.stringContaining('cannot read') } })
    const unknown = await InputRequired.complete(call, needs({ x: { method: 'tasks/get' } }), scripted([], answers).context)
    expect(unknown.response).toMatchObject({ id: 42, error: { message: expect.stringContaining('"tasks/get"') } })
  })

  it('gives a URL elicitation the id a legacy host needs', async () => {
    const { context, asked } = scripted([done('ok')], answers)
    await InputRequired.complete(call, needs({ login: { method: 'elicitation/create', params: { mode: 'url', url: 'https://x.example/login', message: 'Sign in' } } }), context)
    expect(asked[0]!.params).toMatchObject({ mode: 'url', url: 'https://x.example/login', elicitationId: expect.any(String) })
  })
})
